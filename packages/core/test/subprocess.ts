import { spawnSync } from 'node:child_process';

/** Runs an ES module snippet in a fresh Node process (fresh engine, fresh env) and returns its output. */
export function runNode(code: string, options: { cwd: string; env?: Record<string, string | undefined> }) {
  const env = { ...process.env, ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: options.cwd,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
