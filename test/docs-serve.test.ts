// The docs server as a hostile client meets it: malformed URLs get a 400 and the server keeps serving;
// paths cannot climb out of dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let server: Server;
let port: number;

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('docs server', () => {
  beforeAll(async () => {
    const { serve } = await import('../apps/docs/serve.mjs');
    server = await serve(0);
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server?.close());

  it('answers malformed URLs with 400 and keeps serving', async () => {
    for (const path of ['/%', '/%E0%A4%A', '/guide/%zz', '/%00', '/a%00b.html']) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(r.body).toBe('bad request: malformed URL');
    }
    expect((await get('/no-such-page-anywhere')).status).toBe(404);
  });

  it('never serves a file outside dist/', async () => {
    for (const path of [
      '/../../package.json',
      '/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '//etc/passwd',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('neurite-monorepo');
    }
  });

  it('never follows a symlink out of its folder, and sends COOP/COEP with what it serves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-serve-'));
    const outside = mkdtempSync(join(tmpdir(), 'neurite-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'not for the web');
    writeFileSync(join(dir, 'index.html'), '<title>Neurite</title>');
    symlinkSync(outside, join(dir, 'link'));
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'file.txt'));
    const { serve } = await import('../apps/docs/serve.mjs');
    const own = await serve(0, dir);
    const at = (own.address() as AddressInfo).port;
    try {
      for (const path of ['/link/secret.txt', '/file.txt']) {
        const r = await fetch(`http://127.0.0.1:${at}${path}`);
        expect(r.status, path).toBe(404);
        expect(await r.text()).not.toContain('not for the web');
      }
      const home = await fetch(`http://127.0.0.1:${at}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(home.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    } finally {
      own.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("build.mjs refuses an out folder it would empty of other files: '', the checkout, docs/, /, or a folder with files", () => {
    const full = mkdtempSync(join(tmpdir(), 'neurite-full-'));
    writeFileSync(join(full, 'keep.txt'), 'mine');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--out', ''], {}, /--out needs a folder/],
      [['--out', '.'], {}, /refusing to build into .*: the build empties its folder first/],
      [['--out', 'docs'], {}, /refusing to build into .*docs/],
      [['--out', '/'], {}, /refusing to build into \//],
      [['--out', full], {}, /it is not empty and holds no earlier build of this site/],
      [[], { NEURITE_DOCS_OUT: full }, /it is not empty/],
    ];
    try {
      for (const [args, env, message] of cases) {
        const r = spawnSync(process.execPath, ['apps/docs/build.mjs', ...args], {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, ...env },
        });
        expect(r.status, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toMatch(message);
      }
      expect(readFileSync(join(full, 'keep.txt'), 'utf8')).toBe('mine');
      expect(existsSync(join(root, 'package.json'))).toBe(true);
    } finally {
      rmSync(full, { recursive: true, force: true });
    }
  });
});
