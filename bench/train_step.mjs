// The reference CNN's training step, measured: `measure()` for the train benchmark, and, run as a
// script, one measurement printed as JSON (what `pnpm bench train --against <ref>` runs in this checkout
// and in a build of <ref>, in separate processes):
//   node bench/train_step.mjs --backend wasm --workers 2 --steps 20
// It imports only what every version of the packages since the reference model landed exports, so the
// same file measures an older build too.
import { readFileSync } from 'node:fs';
import { engine, oneHot, randomNormal, randomUniformInt, setSeed, tidy, useBackend } from '@neurite/core';
import { layerFromConfig } from '@neurite/layers';
import { sequential } from '@neurite/model';

// The one definition of the reference model: these benchmarks build it, and `--accuracy` hands the same
// file to the CLI (`neurite-mnist train --model`).
export const REFERENCE_MODEL = 'bench/reference-model.json';

export function referenceModel() {
  setSeed(1);
  const spec = JSON.parse(readFileSync(REFERENCE_MODEL, 'utf8'));
  const model = sequential(spec.layers.map(layerFromConfig), { name: spec.name });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

// One fit() over warm-up + `steps` batches; a step's time is the gap between two batch ends, so worker
// start-up (workers > 1) and the first steps' compilation fall in the warm-up. Median of the rest.
export async function measure(batch, steps, { workers = 1, inference = true } = {}) {
  const warmup = 2;
  const model = referenceModel();
  const x = randomNormal([batch * (steps + warmup), 28, 28, 1]);
  const y = tidy(() => oneHot(randomUniformInt([batch * (steps + warmup)], 0, 10), 10).toFloat());
  const ends = [];
  let peak = 0;
  const onBatchEnd = () => {
    ends.push(performance.now());
    peak = Math.max(peak, engine().memory().numBytes, process.memoryUsage().rss);
  };
  await model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false, workers, callbacks: [{ onBatchEnd }] });
  const times = ends.slice(warmup).map((t, i) => t - ends[warmup + i - 1]);
  times.sort((a, b) => a - b);
  const step = times[Math.floor(times.length / 2)];
  let inferMs;
  if (inference) {
    const probe = x.slice([0], [batch]);
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) await model.predict(probe).data();
    inferMs = (performance.now() - t0) / 3;
    probe.dispose();
  }
  x.dispose();
  y.dispose();
  model.dispose();
  return {
    workers,
    stepMs: step,
    samplesPerSecond: (batch * 1000) / step,
    inferenceSamplesPerSecond: inferMs ? (batch * 1000) / inferMs : undefined,
    peakRssMb: peak / 2 ** 20,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : fallback;
  };
  const backend = arg('backend', 'wasm');
  await useBackend(backend);
  const result = await measure(Number(arg('batch', '128')), Number(arg('steps', '20')), {
    workers: Number(arg('workers', '1')),
    inference: false,
  });
  console.log(JSON.stringify({ backend, ...result }));
  process.exit(0);
}
