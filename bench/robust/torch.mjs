// The PyTorch reference of `pnpm bench robust --torch`: the CLI's default CNN and recipe in PyTorch
// (bench/robust/pytorch.py), trained on exactly the samples `neurite-mnist train` with no flags trains on.
// Node writes them with the CLI's own built code (loadImages, augmentedBatches, learningRate), so a change
// to the CLI's data path or schedule reaches the reference; python trains from the files. Never in CI.
//
// Cache, node_modules/.cache/neurite-robust/torch/:
//   data-<key>/  epoch-<e>.x.u16  each epoch's training pixels in the order the CLI's batches hold them,
//                                 round(65535 x) as uint16 little-endian, 784 per sample (28 x 28 x 1)
//                epoch-<e>.y.u8   their labels
//                test.x.u8, test.y.u8  MNIST's test set as loadImages gives it, round(255 x) (exact)
//                recipe.json      batch size, epochs, label smoothing, seed, Adam's settings and the
//                                 learning rate of every step; written last, it marks the folder complete
//   model-<key>/ model.pt, result.json  the trained reference (a state_dict pytorch.py saved) and its numbers
// The data folder (about 85 MB an epoch) is removed once a model is trained from it.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getOptimizer } from '@neurite/optimizers';

const cli = new URL('../../apps/mnist-cli/dist/', import.meta.url);
const { loadImages } = await import(new URL('data.js', cli));
const { augmentedBatches } = await import(new URL('augment.js', cli));
const { DEFAULT_RECIPE, learningRate } = await import(new URL('recipe.js', cli));

// Debian's python3-torch installs for Debian's own python, not for a pyenv one earlier on PATH.
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('pytorch.py', import.meta.url));
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/neurite-robust/torch/', import.meta.url));
const MISSING = "bench robust --torch needs Debian's python3-torch: apt-get install python3-torch";

/** The settings of `neurite-mnist train` with no flags (the fresh run's defaults in apps/mnist-cli/src/commands/train.ts). */
/** The settings of `pnpm mnist train` with no flags, from the CLI itself. */
export const DEFAULT_SETTINGS = Object.freeze({ ...DEFAULT_RECIPE, augment: true, dataset: 'mnist' });

const hash = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
};

/** What pytorch.py needs besides the samples: the optimizer the CLI builds, and its rate at every step. */
function recipeOf(s, split) {
  if (s.model !== 'cnn' || !s.augment) {
    throw new Error(`bench robust --torch: pytorch.py trains the augmented cnn only. Received: ${JSON.stringify(s)}.`);
  }
  const opt = getOptimizer({ className: s.optimizer, config: { learningRate: learningRate(s) } });
  const { learningRate: _, ...config } = opt.getConfig();
  if (opt.constructor.className !== 'Adam' || Object.keys(config).some((k) => k.startsWith('clip'))) {
    throw new Error(
      `bench robust --torch: pytorch.py trains with unclipped Adam. Received: ${opt.constructor.className}.`,
    );
  }
  const samples = split.count - Math.floor(split.count * s.validationSplit);
  const steps = Math.ceil(samples / s.batchSize) * s.epochs;
  const lr = opt.learningRate;
  return {
    settings: s,
    epochs: s.epochs,
    batchSize: s.batchSize,
    samples,
    labelSmoothing: s.labelSmoothing,
    seed: s.seed,
    adam: { beta1: config.beta1, beta2: config.beta2, epsilon: config.epsilon },
    lr: Array.from({ length: steps }, (_, i) => (typeof lr === 'function' ? lr(i) : lr)),
  };
}

/** Each batch of one epoch as the CLI's training sees it: pixels and labels, host arrays. */
async function* epochBatches(split, s, epoch) {
  for await (const { xs, ys } of augmentedBatches(split, s, () => epoch)) {
    const [x, y] = [await xs.data(), await ys.data()];
    xs.dispose();
    ys.dispose();
    const labels = new Uint8Array(y.length / 10);
    for (let i = 0; i < labels.length; i++) labels[i] = y.subarray(10 * i, 10 * i + 10).indexOf(1);
    yield { x, labels };
  }
}

function toU16(x) {
  const q = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= -1e-6 && x[i] <= 1 + 1e-6)) {
      throw new Error(`bench robust --torch: an augmented pixel is ${x[i]}, outside [0, 1]; uint16 cannot hold it.`);
    }
    q[i] = Math.round(Math.min(1, Math.max(0, x[i])) * 65535);
  }
  return q;
}

/** The first batch of every epoch: a cheap fingerprint of the data path, so a change to it retrains. */
async function fingerprint(split, s) {
  const h = createHash('sha256');
  for (let e = 0; e < s.epochs; e++) {
    for await (const { x, labels } of epochBatches(split, s, e)) {
      h.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).update(labels);
      break;
    }
  }
  return h.digest('hex');
}

/** Writes the samples of every epoch, the test set and recipe.json (last) into `dir`. */
export async function writeTrainingData(dir, { settings = DEFAULT_SETTINGS, images } = {}) {
  const s = { ...settings };
  const data = images ?? (await loadImages(s.dataset, s.limit));
  const recipe = recipeOf(s, data.train);
  mkdirSync(dir, { recursive: true });
  for (let e = 0; e < s.epochs; e++) {
    const [fx, fy] = [openSync(join(dir, `epoch-${e}.x.u16`), 'w'), openSync(join(dir, `epoch-${e}.y.u8`), 'w')];
    let n = 0;
    for await (const { x, labels } of epochBatches(data.train, s, e)) {
      writeSync(fx, toU16(x));
      writeSync(fy, labels);
      n += labels.length;
    }
    closeSync(fx);
    closeSync(fy);
    if (n !== recipe.samples)
      throw new Error(`bench robust --torch: epoch ${e} has ${n} samples, expected ${recipe.samples}.`);
  }
  const { images: tx, labels: ty } = data.test;
  writeFileSync(
    join(dir, 'test.x.u8'),
    Uint8Array.from(tx, (v) => Math.round(v * 255)),
  );
  writeFileSync(join(dir, 'test.y.u8'), ty);
  writeFileSync(join(dir, 'recipe.json.tmp'), JSON.stringify({ ...recipe, testImages: ty.length }));
  renameSync(join(dir, 'recipe.json.tmp'), join(dir, 'recipe.json'));
  return recipe;
}

function checkTorch() {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    throw new Error(`${MISSING} (${PYTHON} -c 'import torch': ${why}).`);
  }
  return r.stdout.trim();
}

/** Runs pytorch.py with `args`; stderr (its progress) goes to ours. Resolves to its stdout. */
function python(args) {
  return new Promise((done, fail) => {
    const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', (e) => fail(new Error(`${MISSING} (${e.message}).`)));
    child.on('close', (code) =>
      code === 0
        ? done(out)
        : fail(new Error(`bench robust --torch: ${PYTHON} ${SCRIPT} ${args[0]} exited with ${code}.`)),
    );
  });
}

/**
 * The PyTorch reference trained like `neurite-mnist train` with no flags (with `seed`), from the cache when
 * its recipe, data and code are unchanged. Resolves to { pt, testAccuracy, trainSeconds, writeSeconds, torch, cached }.
 */
export async function trainTorchReference({ seed = DEFAULT_SETTINGS.seed } = {}) {
  const torch = checkTorch();
  const s = { ...DEFAULT_SETTINGS, seed };
  const images = await loadImages(s.dataset, s.limit);
  const recipe = recipeOf(s, images.train);
  const dataKey = hash(
    JSON.stringify(recipe),
    await fingerprint(images.train, s),
    readFileSync(fileURLToPath(import.meta.url)),
  );
  const modelDir = join(CACHE, `model-${hash(dataKey, readFileSync(SCRIPT), torch)}`);
  const pt = join(modelDir, 'model.pt');
  if (existsSync(join(modelDir, 'result.json'))) {
    return { ...JSON.parse(readFileSync(join(modelDir, 'result.json'), 'utf8')), pt, cached: true };
  }
  const dataDir = join(CACHE, `data-${dataKey}`);
  let writeSeconds = 0;
  if (!existsSync(join(dataDir, 'recipe.json'))) {
    console.log(`--torch: writing the CLI's ${s.epochs} epochs of augmented samples to ${dataDir}`);
    const t0 = performance.now();
    await writeTrainingData(dataDir, { settings: s, images });
    writeSeconds = (performance.now() - t0) / 1000;
  }
  console.log(`--torch: training the PyTorch reference (${torch}) on ${recipe.samples} samples x ${s.epochs} epochs`);
  mkdirSync(modelDir, { recursive: true });
  const lines = (await python(['train', dataDir, pt])).trim().split('\n');
  const result = { ...JSON.parse(lines[lines.length - 1]), writeSeconds, torch };
  writeFileSync(join(modelDir, 'result.json'), JSON.stringify(result, null, 2));
  rmSync(dataDir, { recursive: true, force: true });
  return { ...result, pt, cached: false };
}

/** Class probabilities of `n` 28 x 28 pictures (float32, n x 784) from a .pt that trainTorchReference wrote. */
export async function torchPredict(pt, pixels, n) {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-torch-'));
  try {
    writeFileSync(join(dir, 'x.f32'), pixels.subarray(0, n * 784));
    await python(['predict', pt, join(dir, 'x.f32'), join(dir, 'p.f32')]);
    const probs = new Float32Array(new Uint8Array(readFileSync(join(dir, 'p.f32'))).buffer);
    if (probs.length !== n * 10)
      throw new Error(`bench robust --torch: predict wrote ${probs.length / 10} rows for ${n} pictures.`);
    return probs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
