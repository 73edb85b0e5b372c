// The docs server as a hostile client meets it: malformed URLs get a 400 and the server keeps serving;
// paths cannot climb out of dist/.
import { request } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
});
