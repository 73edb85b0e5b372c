// Where a training step of the reference CNN spends its time, kernel by kernel, on each backend: tfjs's
// profiler around whole fit() steps (one batch each), summed per kernel and input shapes, in ms per step.
// The profiler waits for every kernel, so a profiled step is slower than a plain one; compare the rows
// of one backend with each other, and use `pnpm bench train` for throughput.
import { engine, oneHot, randomNormal, randomUniformInt, tidy, useBackend } from '@neurite/core';
import { table } from './lib.mjs';
import { referenceModel } from './train_step.mjs';

async function profileBackend(backend) {
  await useBackend(backend);
  const batch = backend === 'webgpu' ? 16 : 128;
  const reps = backend === 'wasm' ? 5 : 1;
  const model = referenceModel();
  const x = randomNormal([batch, 28, 28, 1]);
  const y = tidy(() => oneHot(randomUniformInt([batch], 0, 10), 10).toFloat());
  const step = () => model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false });
  await step(); // warm-up: shader compilation, XNNPACK set-up, optimizer slots
  const perKernel = new Map();
  let wall = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const info = await engine().profile(step);
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      const key = `${k.name}|${k.inputShapes.map((s) => `[${s}]`).join(' ')}`;
      const t = await k.kernelTimeMs;
      perKernel.set(key, (perKernel.get(key) ?? 0) + (typeof t === 'number' ? t : 0));
    }
  }
  x.dispose();
  y.dispose();
  model.dispose();
  const total = [...perKernel.values()].reduce((a, b) => a + b, 0) / reps;
  return [...perKernel]
    .map(([key, ms]) => {
      const [kernel, inputs] = key.split('|');
      return { backend, batch, kernel, inputs, ms: ms / reps, share: ms / reps / total, stepMs: wall / reps };
    })
    .sort((a, b) => b.ms - a.ms);
}

export async function benchProfile({ backends }) {
  const rows = [];
  for (const backend of backends) rows.push(...(await profileBackend(backend)));
  return rows;
}

/** The kernels that make up 95% of each backend's step, then the rest as one line. */
export function printProfile(rows) {
  const out = [];
  for (const backend of [...new Set(rows.map((r) => r.backend))]) {
    const mine = rows.filter((r) => r.backend === backend);
    let covered = 0;
    for (const r of mine) {
      if (covered >= 0.95) break;
      covered += r.share;
      out.push(r);
    }
    const rest = mine.slice(out.filter((r) => r.backend === backend).length);
    if (rest.length) {
      const ms = rest.reduce((a, r) => a + r.ms, 0);
      const share = rest.reduce((a, r) => a + r.share, 0);
      out.push({ backend, batch: mine[0].batch, kernel: `${rest.length} others`, inputs: '', ms, share });
    }
    const sum = mine.reduce((a, r) => a + r.ms, 0);
    out.push({
      backend,
      batch: mine[0].batch,
      kernel: 'all kernels (profiled step)',
      inputs: `step ${mine[0].stepMs.toFixed(0)} ms`,
      ms: sum,
      share: 1,
    });
  }
  return table(
    out.map((r) => ({ ...r, 'ms per step': r.ms.toFixed(2), share: `${(r.share * 100).toFixed(1)}%` })),
    ['backend', 'batch', 'kernel', 'inputs', 'ms per step', 'share'],
  );
}
