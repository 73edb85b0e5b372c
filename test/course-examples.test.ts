// The course's example scripts run as a learner runs them: `node examples/<name>.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

it('examples/residual-cnn.mjs builds a residual graph and writes a file neurite-mnist trains', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'neurite-resnet-')), 'resnet.json');
  const r = spawnSync(process.execPath, ['examples/residual-cnn.mjs', file], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/block2_add \(Add\) +\[null, 14, 14, 32\] +0 +block2_proj_bn, block2_bn2/);
  expect(r.stdout).toContain('Total params: 78,426');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  expect(json.inputs).toEqual([{ name: 'image', shape: [28, 28, 1] }]);
  expect(json.outputs).toEqual(['output']);
  expect(json.layers.filter((l: { className: string }) => l.className === 'neurite>Add')).toHaveLength(3);
});
