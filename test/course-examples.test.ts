// The course's example scripts run as a learner runs them: `node examples/<name>.mjs`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (file: string) =>
  spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8', env: { ...process.env, NEURITE_BACKEND: 'cpu' } });

it('examples/bank-transactions.mjs computes the forward pass by hand', () => {
  const r = run('examples/bank-transactions.mjs');
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain('hidden node 0 = relu(2*1 + 3*1)  = 5');
  expect(r.stdout).toContain('hidden node 1 = relu(2*-1 + 3*1) = 1');
  expect(r.stdout).toContain('output        = 5*2 + 1*(-1) = 9 transactions');
});

it('examples/binary-classifier.mjs lowers J with gradient descent', () => {
  const r = run('examples/binary-classifier.mjs');
  expect(r.status, r.stderr).toBe(0);
  const js = [...r.stdout.matchAll(/J = ([0-9.]+)/g)].map((m) => Number(m[1]));
  expect(js.length).toBeGreaterThan(3);
  expect(js[js.length - 1]).toBeLessThan(js[0] * 0.8);
});
