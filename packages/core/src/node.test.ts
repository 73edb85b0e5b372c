import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startWorker } from '@neurite/core/node';
import { expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
// A worker that reports the Node flags it runs with.
const reporter = new URL(
  "data:text/javascript,import { parentPort } from 'node:worker_threads'; parentPort.postMessage(process.execArgv);",
);

async function flagsOf(worker: Awaited<ReturnType<typeof startWorker>>): Promise<string[]> {
  const flags = await new Promise<string[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  return flags;
}

it("startWorker passes on the flags a worker takes, drops those it refuses, and keeps the caller's own", async () => {
  expect(await flagsOf(await startWorker(reporter, { execArgv: ['--no-warnings'] }))).toEqual(['--no-warnings']);
  // In a process started with flags a worker refuses when handed them, and --input-type, which breaks any
  // worker that inherits it.
  const script = `
    import { startWorker } from '@neurite/core/node';
    const w = await startWorker(new URL(${JSON.stringify(reporter.href)}));
    w.once('message', (flags) => { console.log(JSON.stringify(flags)); w.terminate(); });`;
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=1024', '--expose-gc', '--no-warnings', '--input-type=module', '-e', script],
    { cwd: pkgDir, encoding: 'utf8', timeout: 30_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual(['--no-warnings']);
});
