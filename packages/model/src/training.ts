// The training loop: fit() reads its data once (data.ts), then for each epoch asks data.ts for the
// epoch's batches and hands each to a step (step.ts, or the workers' parallel/step.ts), reading back
// the loss and metric counts for the logs and the callbacks. No batch is touched here.
import { NeuriteError, random, randomState, setSeed, type Variable } from '@neurite/core';
import type { Callback, Logs, TrainingModel } from './callbacks.js';
import type { FitModel } from './contract.js';
import { type DataSource, epochBatches, type FitData, readData, readFitData } from './data.js';
import type { SavedPosition } from './format/types.js';
import { trackedKeys } from './objective.js';
import { ParallelTraining } from './parallel/step.js';
import { checkResume } from './resume.js';
import { localStep, type StepBatch, type StepResult } from './step.js';
import { type BatchSource, isTensorSet, type TensorSet } from './tensor_set.js';

/** Options for fit(). */
export interface FitOptions {
  /** Epochs to train up to (counting initialEpoch). Default 1. */
  epochs?: number;
  /** Samples per step (arrays only; a dataset brings its own batches). Default 32. */
  batchSize?: number;
  /** Fraction of the arrays held out for validation: the last samples, before shuffling. */
  validationSplit?: number;
  /** Validation arrays [x, y] (each a tensor, a list, or an object keyed by name) or a batch source. */
  validationData?: [TensorSet, TensorSet] | BatchSource;
  /** Shuffle the arrays each epoch (default true). */
  shuffle?: boolean;
  /** Fixes shuffling and every random op per epoch, so a resumed run repeats an uninterrupted one. */
  seed?: number;
  /** Epoch to start from, e.g. when resuming from a checkpoint. Default 0. */
  initialEpoch?: number;
  callbacks?: Callback[];
  /**
   * Data-parallel training in Node (default 1: the main thread alone). With n > 1, each step splits the
   * batch into n shards: the main thread computes the first shard's gradient while n - 1 worker threads,
   * each with its own tfjs engine on the same backend and a replica of the model, compute the others.
   * The main thread combines the gradients weighted by shard size (the full batch's mean-loss gradient,
   * up to float rounding), applies the optimizer once, and the workers read the new weights at the next
   * step. Batches, weights and gradients travel through SharedArrayBuffers; Atomics wake each side.
   *
   * - Backends: cpu and wasm (webgpu, a browser, or a runtime without worker_threads throws).
   * - Layers are rebuilt from their configs: built-in layers work; a plugin layer needs `workerSetup`.
   * - Dropout: each worker's shard is seeded from the main thread's stream, so a seeded fit with the
   *   same `workers` repeats exactly (a different `workers` draws other masks).
   * - BatchNormalization normalises each shard with its own statistics (as PyTorch's DDP without
   *   SyncBatchNorm), and only the main thread's shard updates the moving mean and variance.
   * - Loss and metrics are computed from the whole batch's predictions, so logs count as with 1.
   * - Workers start when training starts and are terminated when fit() returns or throws; a worker's
   *   error rejects fit() with its message. Keep `workers` at or below `os.availableParallelism()`.
   *
   * @example
   * ```ts
   * import { randomNormal, randomUniform, useBackend } from '@neurite/core';
   * import { Dense } from '@neurite/layers';
   * import { sequential } from '@neurite/model';
   * await useBackend('cpu');
   * const model = sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [4] })]);
   * model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
   * const x = randomNormal([64, 4]);
   * const y = randomUniform([64, 1]).round();
   * const h = await model.fit(x, y, { epochs: 2, batchSize: 32, workers: 2, seed: 1 });
   * console.log(h.history.loss.length); // 2
   * ```
   */
  workers?: number;
  /**
   * With `workers` > 1: a module each worker imports before rebuilding the model, as a URL (e.g.
   * `new URL('./worker-setup.js', import.meta.url)`) or an absolute path. A default export that is a
   * function is called (and awaited): register plugin layers there, since registerLayers() in the main
   * thread does not reach worker threads.
   */
  workerSetup?: string | URL;
  /**
   * Stops training after the current batch when aborted (Ctrl-C, SIGTERM, a Stop button). fit() then
   * resolves normally with `history.interrupted` set, and `model.trainingPosition` records where it
   * stopped; `model.save()` keeps that position, and `fit(..., { resume: true })` continues from it.
   */
  signal?: AbortSignal;
  /**
   * Continue where the model's training stopped: from epoch `model.epochsTrained` and, after an
   * interrupted fit (or loading a checkpoint saved after one), from the batch after the last one it
   * trained, with the same data order, random stream and running sums, so the result equals an
   * uninterrupted run's bit for bit (same data, batchSize, seed, workers and backend). Excludes
   * `initialEpoch`.
   */
  resume?: boolean;
}

/** Where an interrupted fit() stopped inside an epoch: the position model.json saves (format/types.ts). */
export type TrainingPosition = SavedPosition;

/** What fit() returns: per-epoch values of the loss and metrics, train and validation. */
export interface History {
  /** 0-based epoch indices. */
  epoch: number[];
  /** e.g. { loss: [...], accuracy: [...], valLoss: [...], valAccuracy: [...] } */
  history: Record<string, number[]>;
  /** Set when `signal` stopped fit() inside an epoch: that epoch (0-based) and the batches it trained. */
  interrupted?: { epoch: number; batch: number };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

function valKey(name: string): string {
  return `val${name[0].toUpperCase()}${name.slice(1)}`;
}

/** Running sums of a pass: where it starts (a resumed epoch) and where it stopped. */
interface PassSums {
  index: number;
  lossSum: number;
  samples: number;
  /** One [numerator, denominator] per tracked value (see trackedKeys). */
  counts: [number, number][];
}

interface PassOptions {
  train: boolean;
  onBatch?: (batch: number, logs: Logs) => Promise<void>;
  epoch?: number;
  parallel?: ParallelTraining;
  /** Sums carried over from the part of the epoch trained before an interruption. */
  start?: PassSums;
  /** Checked after each training batch: when aborted, the pass stops and returns its sums. */
  signal?: AbortSignal;
}

/** Runs one pass over the batches: trains when `train`, else evaluates. Returns epoch-level logs. */
async function pass(
  model: FitModel,
  batches: AsyncIterable<StepBatch>,
  { train, onBatch, epoch, parallel, start, signal }: PassOptions,
): Promise<{ logs: Logs; stopped?: PassSums }> {
  const what = train ? 'fit' : 'evaluate';
  const { optimizer, objective } = model.requireCompiled(what);
  const keys = trackedKeys(objective);
  const lossParts = objective.length > 1 ? objective.length : 0;
  let vars: Variable[] = [];
  let lossSum = start?.lossSum ?? 0;
  let samples = start?.samples ?? 0;
  const counts: [number, number][] = start ? start.counts.map(([a, b]) => [a, b]) : keys.map(() => [0, 0]);
  let index = start?.index ?? 0;
  let first = true;
  for await (const batch of batches) {
    if (first) {
      // Build before collecting the weights to train (a model fed by a dataset learns its input shape
      // from the first batch).
      first = false;
      model.build();
      vars = model.trainableWeights.map((w) => w.variable);
    }
    const n = batch.n;
    const result: StepResult =
      train && parallel ? await parallel.step(model, vars, batch) : localStep(model, vars, train, batch);
    const [value, parts, stats] = result;
    const lv = (await value.data())[0];
    value.dispose();
    const partValues: number[] = [];
    for (const p of parts) {
      partValues.push((await p.data())[0]);
      p.dispose();
    }
    if (!Number.isFinite(lv)) {
      for (const s of stats) s.dispose();
      throw new NeuriteError(
        `${model.name}.${what}: the loss became ${lv} at epoch ${(epoch ?? 0) + 1}, batch ${index + 1}. ` +
          `Lower the learning rate (now ${optimizer.currentLearningRate()}), scale inputs to [0, 1], check the data for NaN or ` +
          'Infinity, or clip gradients (clipNorm). Saved models were not touched.',
      );
    }
    lossSum += lv * n;
    samples += n;
    const batchLogs: Logs = { loss: lv };
    for (let k = 0; k < lossParts; k++) {
      counts[k][0] += partValues[k] * n;
      counts[k][1] += n;
      batchLogs[keys[k]] = partValues[k];
    }
    for (let m = 0; m < stats.length; m++) {
      const [num, den] = await stats[m].data();
      stats[m].dispose();
      const k = lossParts + m;
      counts[k][0] += num;
      counts[k][1] += den;
      batchLogs[keys[k]] = den > 0 ? num / den : 0;
    }
    if (onBatch) await onBatch(index, batchLogs);
    index++;
    // Let the event loop run between steps (signals such as Ctrl-C, a page's redraws): on cpu and wasm
    // every await above resolves as a microtask, which never yields to it.
    await yieldToEventLoop();
    if (train && signal?.aborted) return { logs: {}, stopped: { index, lossSum, samples, counts } };
  }
  if (samples === 0) {
    throw new NeuriteError(`${model.name}.${what}: the data has no samples.`);
  }
  const logs: Logs = { loss: lossSum / samples };
  keys.forEach((k, i) => {
    logs[k] = counts[i][1] > 0 ? counts[i][0] / counts[i][1] : 0;
  });
  return { logs };
}

function trainingModel(model: FitModel): TrainingModel {
  return model as unknown as TrainingModel;
}

/** The most worker threads one fit() starts. */
const MAX_WORKERS = 64;

/** The training loop behind FitModel.fit(): fit(x, y, options) on arrays, fit(source, options) on a batch source. */
export async function fit(
  model: FitModel,
  x: TensorSet | BatchSource,
  yOrOptions?: TensorSet | FitOptions,
  maybeOptions?: FitOptions,
): Promise<History> {
  const arrays = isTensorSet(x);
  const options: FitOptions = (arrays ? maybeOptions : (yOrOptions as FitOptions)) ?? {};
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new NeuriteError(`fit: epochs must be a positive integer. Received: epochs=${epochs}.`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new NeuriteError(`fit: batchSize must be a positive integer. Received: batchSize=${batchSize}.`);
  }
  const split = options.validationSplit;
  if (split !== undefined && !(split > 0 && split < 1)) {
    throw new NeuriteError(`fit: validationSplit must be in (0, 1). Received: validationSplit=${split}.`);
  }
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new NeuriteError(`fit: workers must be an integer >= 1. Received: workers=${JSON.stringify(workers)}.`);
  }
  if (workers > MAX_WORKERS) {
    throw new NeuriteError(
      `fit: workers must be at most ${MAX_WORKERS} (each is a thread with its own engine and a copy of the model). Received: workers=${workers}. ` +
        'Use about one per core (os.availableParallelism()).',
    );
  }
  if (options.resume && options.initialEpoch !== undefined) {
    throw new NeuriteError(
      `${model.name}.fit: pass resume or initialEpoch, not both (resume starts at model.epochsTrained = ${model.epochsTrained}).`,
    );
  }
  if (split !== undefined && options.validationData !== undefined) {
    throw new NeuriteError(
      `${model.name}.fit: pass validationSplit or validationData, not both (the split would hold samples out of training that nothing validates on).`,
    );
  }
  model.requireCompiled('fit');
  const data = await readFitData(model, x, arrays ? yOrOptions : undefined, {
    batchSize,
    validationSplit: split,
    validationData: options.validationData,
  });
  const parallel = workers > 1 ? new ParallelTraining(model, { workers, workerSetup: options.workerSetup }) : undefined;
  try {
    return await trainEpochs(model, data, options, parallel);
  } finally {
    await parallel?.close();
  }
}

/** fit() after its arguments are read: every epoch, its callbacks and its validation pass. */
async function trainEpochs(
  model: FitModel,
  data: FitData,
  options: FitOptions,
  parallel: ParallelTraining | undefined,
): Promise<History> {
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const initialEpoch = options.resume ? model.epochsTrained : (options.initialEpoch ?? 0);
  const callbacks = options.callbacks ?? [];
  const history: History = { epoch: [], history: {} };
  const tm = trainingModel(model);
  model.stopTraining = false;
  const resumeAt = options.resume ? checkResume(model, data.samples, batchSize) : undefined;
  for (const cb of callbacks) {
    // What fit knows: a source that does not count its batches (0), or batches of a size fit was not told,
    // leave the caller's plan (progressReporter's info) as it was.
    const plan: Record<string, number> = { epochs };
    if (data.batches > 0) plan.batches = data.batches;
    if (options.batchSize !== undefined || data.samples !== null) plan.batchSize = batchSize;
    (cb as { setPlan?: (p: object) => void }).setPlan?.(plan);
    await cb.onTrainBegin?.(tm);
  }
  let last: Logs = {};
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    const at = epoch === initialEpoch ? resumeAt : undefined;
    const epochSeed = options.seed !== undefined ? (options.seed * 1000003 + epoch * 7919) >>> 0 : undefined;
    if (epochSeed !== undefined) setSeed(epochSeed);
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, tm);
    // Arrays are shuffled each epoch (unless shuffle is false) with a seed the position records.
    let shuffleSeed: number | null = null;
    if (data.samples !== null && (options.shuffle ?? true))
      shuffleSeed = at ? at.permutationSeed : (epochSeed ?? Math.floor(random() * 2 ** 32));
    const batches = epochBatches(model, data.train, { what: 'fit', batchSize, shuffleSeed, skip: at?.batch });
    // The random stream continues where the interrupted run left it (dropout masks, worker seeds).
    if (at) setSeed(at.randomState);
    const result = await pass(model, batches, {
      train: true,
      onBatch: async (b, l) => {
        for (const cb of callbacks) await cb.onBatchEnd?.(b, l, tm);
      },
      epoch,
      parallel,
      signal: options.signal,
      start: at ? { index: at.batch, lossSum: at.lossSum, samples: at.samples, counts: at.counts } : undefined,
    });
    if (result.stopped) {
      const s = result.stopped;
      model.trainingPosition = {
        epoch,
        batch: s.index,
        batchSize: data.samples !== null ? batchSize : null,
        trainSamples: data.samples,
        permutationSeed: shuffleSeed,
        randomState: randomState(),
        lossSum: s.lossSum,
        samples: s.samples,
        counts: s.counts,
        keys: trackedKeys(model.requireCompiled('fit').objective),
      };
      history.interrupted = { epoch, batch: s.index };
      break;
    }
    const logs = result.logs;
    if (data.val) {
      const valBatches = epochBatches(model, data.val, { what: 'evaluate', batchSize: Math.max(batchSize, 256) });
      const v = await pass(model, valBatches, { train: false });
      for (const [k, value] of Object.entries(v.logs)) logs[valKey(k)] = value;
    }
    model.epochsTrained = epoch + 1;
    model.trainingPosition = undefined;
    history.epoch.push(epoch);
    for (const [k, value] of Object.entries(logs)) {
      history.history[k] ??= [];
      history.history[k].push(value);
    }
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, tm);
    last = logs;
    if (options.signal?.aborted) {
      history.interrupted = { epoch: epoch + 1, batch: 0 };
      break;
    }
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(last, tm);
  return history;
}

/** Loss and metrics over arrays or a batch source, in inference mode. */
export async function evaluate(
  model: FitModel,
  x: TensorSet | BatchSource,
  y?: TensorSet,
  options: { batchSize?: number } = {},
): Promise<Logs> {
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new NeuriteError(
      `${model.name}.evaluate: batchSize must be a positive integer. Received: batchSize=${String(batchSize)}.`,
    );
  }
  const data: DataSource = await readData(model, x, y, 'evaluate');
  const batches = epochBatches(model, data, { what: 'evaluate', batchSize });
  return (await pass(model, batches, { train: false })).logs;
}
