// `pnpm bench robust [--models dir,dir]`: accuracy and calibration of trained MNIST models on digits that
// are not MNIST's own (bench/robust/sources.mjs): handwriting fonts, UCI's 8 x 8 digits from other writers,
// and MNIST test digits degraded as cameras, scanners and pens degrade them. Each picture goes through the
// CLI's own preprocessing (the code `neurite-mnist predict` runs) and then the model, on wasm.
// Default model: the one the last `pnpm mnist train` wrote.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tensor4d, useBackend } from '@neurite/core';
import { table } from './lib.mjs';
import { fontCases, mnistCases, uciCases } from './robust/sources.mjs';

const cli = new URL('../apps/mnist-cli/dist/', import.meta.url);
const { toMnist } = await import(new URL('image.js', cli));
const { loadMnistModel } = await import(new URL('models.js', cli));
const { modelDir } = await import(new URL('paths.js', cli));

/** Expected calibration error over 15 equal-width bins of the top probability. */
export function calibrationError(confidence, correct) {
  const bins = Array.from({ length: 15 }, () => ({ n: 0, conf: 0, acc: 0 }));
  for (let i = 0; i < confidence.length; i++) {
    const b = bins[Math.min(14, Math.floor(confidence[i] * 15))];
    b.n++;
    b.conf += confidence[i];
    b.acc += correct[i] ? 1 : 0;
  }
  return bins.reduce((e, b) => e + (b.n ? (b.n / confidence.length) * Math.abs(b.conf / b.n - b.acc / b.n) : 0), 0);
}

/** Runs every case through preprocessing and a model: per case, the predicted digit and its probability. */
async function evaluate(dir, prepared) {
  const { model, batchSize } = await loadMnistModel(dir, 'bench');
  const ok = prepared.filter((p) => p.pixels);
  const x = new Float32Array(ok.length * 784);
  for (const [i, p] of ok.entries()) x.set(p.pixels, i * 784);
  const probs = await model.predict(tensor4d(x, [ok.length, 28, 28, 1]), { batchSize }).data();
  model.dispose?.();
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

export async function benchRobust({ models } = {}) {
  await useBackend('wasm');
  const dirs = (models ?? [await modelDir('bench robust', undefined)]).map((d) => resolve(d));
  for (const d of dirs) {
    if (!existsSync(join(d, 'model.json'))) {
      throw new Error(`bench robust: no model in ${d}. Train one first (pnpm mnist train), or pass --models <dir>.`);
    }
  }
  const t0 = performance.now();
  const cases = [...fontCases(), ...uciCases(), ...(await mnistCases())];
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
  for (const dir of dirs) {
    const results = await evaluate(dir, prepared);
    const all = summarise(cases, results, () => 'all');
    for (const [level, key] of [
      ['source', bySource],
      ['degradation', byVariant],
      ['font', byFont],
    ]) {
      for (const r of summarise(cases, results, key)) if (r.name !== null) rows.push({ model: dir, level, ...r });
    }
    rows.push({ model: dir, level: 'all', ...all[0] });
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
