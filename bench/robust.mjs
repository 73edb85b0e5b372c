// `pnpm bench robust [--models dir,dir]`: accuracy and calibration of trained MNIST models on digits that
// are not MNIST's own (bench/robust/sources.mjs): handwriting fonts, UCI's 8 x 8 digits from other writers,
// MNIST test digits degraded as cameras, scanners and pens degrade them, and digits drawn with the mouse in
// the docs' drawing pad (bench/robust/drawn.mjs: Chromium once, then a cache). Each picture goes through the
// CLI's own preprocessing (the code `neurite-mnist predict` runs) and then the model, on wasm.
// Default model: the one the last `pnpm mnist train` wrote. --torch adds a column: PyTorch's reference CNN
// trained on the same samples with the same recipe (bench/robust/torch.mjs; needs python3-torch).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { useBackend } from '@neurite/core';
import { applyTemperature, expectedCalibrationError, fitTemperature } from '@neurite/model';
import { table } from './lib.mjs';
import { drawnCases } from './robust/drawn.mjs';
import { fontCases, mnistCases, uciCases } from './robust/sources.mjs';
import { torchPredict, trainTorchReference } from './robust/torch.mjs';

const cli = new URL('../apps/mnist-cli/dist/', import.meta.url);
const { toMnist } = await import(new URL('image.js', cli));
const { loadImages } = await import(new URL('data.js', cli));
const { loadMnistModel } = await import(new URL('models.js', cli));
const { deskewOf } = await import(new URL('checkpoint.js', cli));
const { classify, TTA_VIEWS } = await import(new URL('inference.js', cli));
const { modelDir } = await import(new URL('paths.js', cli));

/** Expected calibration error over 15 equal-width bins of the top probability (@neurite/model's). */
export const calibrationError = expectedCalibrationError;

export const TORCH = 'PyTorch reference (same CNN, same recipe)';

/**
 * Class probabilities of n pictures from a model folder, read as `neurite-mnist predict` reads them (its
 * deskewing and temperature; with tta, its --tta views), or from the PyTorch reference ({ pt }) at the
 * temperature fitted for it as train fits ours.
 */
async function predict(dir, x, n, { tta = false } = {}) {
  if (dir.pt) return applyTemperature(await torchPredict(dir.pt, x, n), dir.temperature);
  const { model, batchSize, temperature } = await loadMnistModel(dir, 'bench');
  const digits = Array.from({ length: n }, (_, i) => x.subarray(i * 784, (i + 1) * 784));
  const views = tta ? TTA_VIEWS : undefined;
  const probs = await classify(model, digits, { batchSize, temperature, deskew: deskewOf(model), views });
  model.dispose?.();
  return probs;
}

/** The PyTorch reference's temperature, fitted on the 6,000 held-out training images as train fits ours. */
async function torchTemperature(pt, train) {
  const held = Math.floor(train.count * 0.1);
  const from = train.count - held;
  const probs = await torchPredict(pt, train.images.slice(from * 784), held);
  return fitTemperature(probs, train.labels.subarray(from));
}

/** Runs every case through preprocessing and a model: per case, the predicted digit and its probability. */
async function evaluate(dir, prepared, options) {
  const ok = prepared.filter((p) => p.pixels);
  const x = new Float32Array(ok.length * 784);
  for (const [i, p] of ok.entries()) x.set(p.pixels, i * 784);
  const probs = await predict(dir, x, ok.length, options);
  const out = prepared.map(() => ({ digit: -1, confidence: 0 }));
  let k = 0;
  for (const [i, p] of prepared.entries()) {
    if (!p.pixels) continue;
    const row = probs.subarray(k * 10, k * 10 + 10);
    let best = 0;
    for (let d = 1; d < 10; d++) if (row[d] > row[best]) best = d;
    out[i] = { digit: best, confidence: row[best] };
    k++;
  }
  return out;
}

function summarise(cases, results, key) {
  const groups = new Map();
  for (const [i, c] of cases.entries()) {
    const g = key(c);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(i);
  }
  return [...groups].map(([name, idx]) => {
    const correct = idx.map((i) => results[i].digit === cases[i].label);
    return {
      name,
      n: idx.length,
      accuracy: correct.filter(Boolean).length / idx.length,
      ece: calibrationError(
        idx.map((i) => results[i].confidence),
        correct,
      ),
      refused: idx.filter((i) => results[i].digit < 0).length,
    };
  });
}

export async function benchRobust({ models, torch, tta } = {}) {
  await useBackend('wasm');
  const dirs = (models ?? [await modelDir('bench robust', undefined)]).map((d) => resolve(d));
  for (const d of dirs) {
    if (!existsSync(join(d, 'model.json'))) {
      throw new Error(`bench robust: no model in ${d}. Train one first (pnpm mnist train), or pass --models <dir>.`);
    }
  }
  const reference = torch ? await trainTorchReference({ seed: 1 }) : undefined;
  if (reference) {
    console.log(
      `${TORCH}: PyTorch ${reference.torch}, MNIST test accuracy ${(100 * reference.testAccuracy).toFixed(2)}% on ` +
        `${reference.testImages} images, trained in ${reference.trainSeconds.toFixed(0)} s on ${reference.threads} threads` +
        `${reference.cached ? ' (from the cache)' : ''}`,
    );
  }
  const t0 = performance.now();
  const cases = [...fontCases(), ...uciCases(), ...(await mnistCases()), ...(await drawnCases())];
  const prepared = cases.map((c) => {
    try {
      return { pixels: toMnist(c.image, 'bench') };
    } catch {
      return { pixels: null }; // predict refuses it: counted as wrong
    }
  });
  console.log(`${cases.length} pictures built and prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const rows = [];
  const bySource = (c) => c.source;
  const byVariant = (c) => (c.source === 'mnist degraded' ? `${c.source}: ${c.variant}` : null);
  const byFont = (c) => (c.source === 'fonts' ? `font ${c.variant}` : null);
  // MNIST's own test images, as the CLI evaluates a model on them (loadImages, no toMnist).
  const { train, test } = await loadImages('mnist', undefined);
  const testCases = Array.from(test.labels, (label) => ({ label }));
  const testPrepared = testCases.map((_, i) => ({ pixels: test.images.subarray(i * 784, (i + 1) * 784) }));
  if (reference) reference.temperature = await torchTemperature(reference.pt, train);
  // Each model as predict reads it; with --tta also as predict --tta reads it; then the PyTorch reference.
  const runs = [
    ...dirs.map((dir) => ({ dir, model: dir })),
    ...(tta ? dirs.map((dir) => ({ dir, model: `${dir} (--tta)`, tta: true })) : []),
    ...(reference ? [{ dir: reference, model: TORCH }] : []),
  ];
  for (const { dir, model, tta: views } of runs) {
    const results = await evaluate(dir, prepared, { tta: views });
    const all = summarise(cases, results, () => 'all');
    for (const [level, key] of [
      ['source', bySource],
      ['degradation', byVariant],
      ['font', byFont],
    ]) {
      for (const r of summarise(cases, results, key)) if (r.name !== null) rows.push({ model, level, ...r });
    }
    rows.push({ model, level: 'all', ...all[0] });
    const clean = summarise(
      testCases,
      await evaluate(dir, testPrepared, { tta: views }),
      () => 'mnist test set (no toMnist)',
    );
    const trained = dir.pt ? { torch: dir.torch, trainSeconds: dir.trainSeconds, temperature: dir.temperature } : {};
    rows.push({ model, level: 'mnist test', ...clean[0], ...trained });
  }
  return rows;
}

export function printRobust(rows) {
  const models = [...new Set(rows.map((r) => r.model))];
  const names = [...new Set(rows.filter((r) => r.level !== 'font').map((r) => r.name))];
  const out = names.map((name) => {
    const line = { set: name };
    for (const [m, model] of models.entries()) {
      const r = rows.find((x) => x.model === model && x.name === name);
      line.n = r.n;
      line[`acc ${m + 1}`] = `${(100 * r.accuracy).toFixed(1)}%`;
      line[`ECE ${m + 1}`] = r.ece.toFixed(3);
      if (r.refused) line[`refused ${m + 1}`] = r.refused;
    }
    return line;
  });
  const columns = Object.keys(Object.assign({}, ...out));
  return `${models.map((m, i) => `model ${i + 1}: ${m}`).join('\n')}\n${table(out, columns)}`;
}
