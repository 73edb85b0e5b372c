import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { node24 } from '../tools/node24/index.mjs';

/** Runs scripts/with-node24.mjs on the fixture; sends `signals` once it has started; resolves on exit. */
function run(env: Record<string, string>, signals: NodeJS.Signals[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['scripts/with-node24.mjs', 'test/fixtures/count-signals.mjs', 'a', '--b'], {
      env: { ...process.env, ...env },
    });
    let out = '';
    let sent = false;
    p.stdout.on('data', async (d) => {
      out += d;
      if (sent || !out.includes('node ')) return;
      sent = true;
      for (const s of signals) {
        p.kill(s);
        await new Promise((r) => setTimeout(r, 200));
      }
    });
    p.on('exit', (code) => resolve({ code, out }));
  });
}

describe('scripts/with-node24.mjs (what pnpm mnist runs through)', () => {
  it('runs the script on Node 24 from tools/node24, with its arguments', async () => {
    // tools/node24 installs on linux x64, where CI runs: there it must be present.
    if (process.platform === 'linux' && process.arch === 'x64') expect(node24()).not.toBeNull();
    const { out } = await run({}, ['SIGTERM', 'SIGTERM']);
    expect(out).toContain(`node ${node24() ? '24' : process.versions.node.split('.')[0]} a --b`);
  });

  it('keeps the running node with NEURITE_NODE24=0', async () => {
    const { out } = await run({ NEURITE_NODE24: '0' }, ['SIGTERM', 'SIGTERM']);
    expect(out).toContain(`node ${process.versions.node.split('.')[0]} a --b`);
  });

  it("passes each signal on exactly once, and the script's exit code back", async () => {
    const { code, out } = await run({}, ['SIGINT', 'SIGTERM']);
    expect(out).toMatch(/SIGINT 1\nSIGTERM 2\n/);
    expect(code).toBe(130);
  });
});
