import { keep, NeuriteError, random, randomState, setSeed, type Tensor, tidy, variableGrads } from '@neurite/core';
import type { Callback, Logs, TrainingModel } from './callbacks.js';
import type { FitModel } from './contract.js';
import { type Batch, type BatchSource, type HostData, hostBatches, permutation, splitHost, toHost } from './data.js';
import type { SavedPosition } from './format/types.js';
import { ParallelTraining } from './parallel/step.js';
import { checkTargets } from './targets.js';

/** Options for fit(). */
export interface FitOptions {
  /** Epochs to train up to (counting initialEpoch). Default 1. */
  epochs?: number;
  /** Samples per step (arrays only; a dataset brings its own batches). Default 32. */
  batchSize?: number;
  /** Fraction of the arrays held out for validation: the last samples, before shuffling. */
  validationSplit?: number;
  /** Validation arrays [x, y] or a batch source. */
  validationData?: [Tensor, Tensor] | BatchSource;
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

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'dataId' in v && 'shape' in v;
}

async function* iterate(source: BatchSource): AsyncGenerator<Batch> {
  for await (const b of source as AsyncIterable<Batch>) yield b;
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
  batches: AsyncIterable<Batch> | Iterable<Batch>,
  { train, onBatch, epoch, parallel, start, signal }: PassOptions,
): Promise<{ logs: Logs; stopped?: PassSums }> {
  const { optimizer, loss } = model.requireCompiled(train ? 'fit' : 'evaluate');
  let vars = model.trainableWeights.map((w) => w.variable);
  let lossSum = start?.lossSum ?? 0;
  let samples = start?.samples ?? 0;
  const counts: [number, number][] = start ? start.counts.map(([a, b]) => [a, b]) : model.metrics.map(() => [0, 0]);
  let index = start?.index ?? 0;
  let first = true;
  for await (const { xs, ys } of batches as AsyncIterable<Batch>) {
    let value: Tensor;
    let stats: Tensor[];
    try {
      if (first) {
        first = false;
        model.checkInput(xs, train ? 'fit' : 'evaluate');
        // A model fed by a dataset may learn its input shape only now: build it before collecting weights.
        model.build();
        vars = model.trainableWeights.map((w) => w.variable);
        checkTargets(model, ys, train ? 'fit' : 'evaluate');
      }
      // Every step runs in a scope: only the loss and the metric counts survive it.
      if (train && parallel) [value, stats] = await parallel.step(model, vars, xs, ys);
      else
        [value, stats] = tidy(() => {
          let yPred: Tensor | undefined;
          let v: Tensor;
          if (train) {
            const r = variableGrads(() => {
              yPred = keep(model.call(xs, { training: true }));
              return loss.call(ys, yPred) as never;
            }, vars);
            optimizer.applyGradients(r.grads);
            v = r.value;
          } else {
            yPred = model.call(xs);
            v = loss.call(ys, yPred);
          }
          const p = yPred as Tensor;
          const counted = model.metrics.map((m) => m.counts(ys, p));
          // keep() shielded the prediction from variableGrads' scope; free it by hand.
          if (train) p.dispose();
          return [v, counted] as [Tensor, Tensor[]];
        });
    } finally {
      xs.dispose();
      ys.dispose();
    }
    const n = xs.shape[0];
    const lv = (await value.data())[0];
    value.dispose();
    if (!Number.isFinite(lv)) {
      for (const s of stats) s.dispose();
      throw new NeuriteError(
        `${model.name}.${train ? 'fit' : 'evaluate'}: the loss became ${lv} at epoch ${(epoch ?? 0) + 1}, batch ${index + 1}. ` +
          `Lower the learning rate (now ${optimizer.currentLearningRate()}), scale inputs to [0, 1], check the data for NaN or ` +
          'Infinity, or clip gradients (clipNorm). Saved models were not touched.',
      );
    }
    lossSum += lv * n;
    samples += n;
    const batchLogs: Logs = { loss: lv };
    for (let m = 0; m < stats.length; m++) {
      const [num, den] = await stats[m].data();
      stats[m].dispose();
      counts[m][0] += num;
      counts[m][1] += den;
      batchLogs[model.metrics[m].name] = den > 0 ? num / den : 0;
    }
    if (onBatch) await onBatch(index, batchLogs);
    index++;
    // Let the event loop run between steps (signals such as Ctrl-C, a page's redraws): on cpu and wasm
    // every await above resolves as a microtask, which never yields to it.
    await yieldToEventLoop();
    if (train && signal?.aborted) return { logs: {}, stopped: { index, lossSum, samples, counts } };
  }
  if (samples === 0) {
    throw new NeuriteError(`${model.name}.${train ? 'fit' : 'evaluate'}: the data has no samples.`);
  }
  const logs: Logs = { loss: lossSum / samples };
  model.metrics.forEach((m, i) => {
    logs[m.name] = counts[i][1] > 0 ? counts[i][0] / counts[i][1] : 0;
  });
  return { logs };
}

function trainingModel(model: FitModel): TrainingModel {
  return model as unknown as TrainingModel;
}

/** The training loop behind FitModel.fit(). */
export async function fit(
  model: FitModel,
  x: Tensor | BatchSource,
  yOrOptions?: Tensor | FitOptions,
  maybeOptions?: FitOptions,
): Promise<History> {
  const arrays = isTensor(x);
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
    throw new NeuriteError(`fit: workers must be an integer >= 1. Received: workers=${workers}.`);
  }
  model.requireCompiled('fit');
  const parallel = workers > 1 ? new ParallelTraining(model, { workers, workerSetup: options.workerSetup }) : undefined;
  try {
    return await trainEpochs(model, x, yOrOptions, options, parallel);
  } finally {
    await parallel?.close();
  }
}

/** fit() after its options are checked: every epoch, its callbacks and its validation pass. */
async function trainEpochs(
  model: FitModel,
  x: Tensor | BatchSource,
  yOrOptions: Tensor | FitOptions | undefined,
  options: FitOptions,
  parallel: ParallelTraining | undefined,
): Promise<History> {
  const arrays = isTensor(x);
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  if (options.resume && options.initialEpoch !== undefined) {
    throw new NeuriteError(
      `${model.name}.fit: pass resume or initialEpoch, not both (resume starts at model.epochsTrained = ${model.epochsTrained}).`,
    );
  }
  const initialEpoch = options.resume ? model.epochsTrained : (options.initialEpoch ?? 0);
  const callbacks = options.callbacks ?? [];
  const split = options.validationSplit;
  let train: HostData | undefined;
  let val: HostData | undefined;
  if (arrays) {
    const y = yOrOptions as Tensor;
    if (!isTensor(y)) throw new NeuriteError('fit(x, y, options): y must be a tensor of targets when x is a tensor.');
    model.checkInput(x, 'fit');
    checkTargets(model, y, 'fit');
    const host = await toHost(x, y);
    await checkTargetValues(model, host);
    [train, val] = split ? splitHost(host, split) : [host, undefined];
  } else if (split !== undefined) {
    throw new NeuriteError('fit: validationSplit needs arrays; with a dataset, pass validationData instead.');
  }
  if (options.validationData && isTensor((options.validationData as [Tensor, Tensor])[0])) {
    const [vx, vy] = options.validationData as [Tensor, Tensor];
    val = await toHost(vx, vy);
  }

  const history: History = { epoch: [], history: {} };
  const tm = trainingModel(model);
  model.stopTraining = false;
  // The plan comes from the data: arrays know their length; a source that knows its batch count (a
  // BatchedDataset's `count`) says it; any other source reports 0 (unknown).
  const counted = (x as { count?: unknown }).count;
  const batches = train
    ? Math.ceil(train.n / batchSize)
    : typeof counted === 'number' && Number.isSafeInteger(counted) && counted >= 0
      ? counted
      : 0;
  const resumeAt = options.resume ? checkResume(model, train, batchSize) : undefined;
  for (const cb of callbacks) {
    (cb as { setPlan?: (p: object) => void }).setPlan?.({ epochs, batches, batchSize });
    await cb.onTrainBegin?.(tm);
  }
  let last: Logs = {};
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    const at = epoch === initialEpoch ? resumeAt : undefined;
    const epochSeed = options.seed !== undefined ? (options.seed * 1000003 + epoch * 7919) >>> 0 : undefined;
    if (epochSeed !== undefined) setSeed(epochSeed);
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, tm);
    let source: Iterable<Batch> | AsyncIterable<Batch>;
    let permutationSeed: number | null = null;
    if (train) {
      if (options.shuffle ?? true)
        permutationSeed = at ? at.permutationSeed : (epochSeed ?? Math.floor(random() * 2 ** 32));
      const order = permutationSeed === null ? undefined : permutation(train.n, permutationSeed);
      source = hostBatches(train, batchSize, order, at?.batch ?? 0);
    } else {
      source = iterate(x as BatchSource);
      if (at) source = await skipBatches(source as AsyncGenerator<Batch>, at.batch);
    }
    // The random stream continues where the interrupted run left it (dropout masks, worker seeds).
    if (at) setSeed(at.randomState);
    const result = await pass(model, source, {
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
        batchSize: train ? batchSize : null,
        trainSamples: train ? train.n : null,
        permutationSeed,
        randomState: randomState(),
        lossSum: s.lossSum,
        samples: s.samples,
        counts: s.counts,
      };
      history.interrupted = { epoch, batch: s.index };
      break;
    }
    const logs = result.logs;
    if (val) {
      const v = await pass(model, hostBatches(val, Math.max(batchSize, 256)), { train: false });
      for (const [k, value] of Object.entries(v.logs)) logs[valKey(k)] = value;
    } else if (options.validationData && !isTensor((options.validationData as [Tensor, Tensor])[0])) {
      const v = await pass(model, iterate(options.validationData as BatchSource), { train: false });
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

/** The position fit({ resume: true }) continues from, checked against this call's data. */
function checkResume(model: FitModel, train: HostData | undefined, batchSize: number): TrainingPosition | undefined {
  const at = model.trainingPosition;
  if (!at) return undefined;
  const fail = (what: string): never => {
    throw new NeuriteError(
      `${model.name}.fit: cannot resume inside epoch ${at.epoch + 1}: ${what} ` +
        'Pass the same data and batchSize as the interrupted run, or set model.trainingPosition = undefined to restart the epoch.',
    );
  };
  if (at.epoch !== model.epochsTrained) {
    fail(`the checkpoint stopped in epoch ${at.epoch + 1} but records ${model.epochsTrained} finished epochs.`);
  }
  if (at.counts.length !== model.metrics.length) {
    fail(`it counted ${at.counts.length} metrics and the model has ${model.metrics.length}.`);
  }
  if (train && (at.batchSize !== batchSize || at.trainSamples !== train.n)) {
    fail(
      `it trained batches of ${at.batchSize ?? '(a batch source)'} from ${at.trainSamples ?? '(a batch source)'} samples; ` +
        `this call has batches of ${batchSize} from ${train.n}.`,
    );
  }
  if (!train && at.batchSize !== null) fail('it trained on arrays; this call passes a batch source.');
  if (train && at.batch > Math.ceil(train.n / batchSize))
    fail(`it trained ${at.batch} batches of an epoch that has fewer.`);
  return at;
}

/** Drops the first `n` batches of a source (freeing them): a resumed epoch skips what it trained. */
async function skipBatches(source: AsyncGenerator<Batch>, n: number): Promise<AsyncIterable<Batch>> {
  for (let i = 0; i < n; i++) {
    const r = await source.next();
    if (r.done) break;
    r.value.xs.dispose();
    r.value.ys.dispose();
  }
  return { [Symbol.asyncIterator]: () => source };
}

/** Loss and metrics over arrays or a batch source, in inference mode. */
export async function evaluate(
  model: FitModel,
  x: Tensor | BatchSource,
  y?: Tensor,
  options: { batchSize?: number } = {},
): Promise<Logs> {
  if (isTensor(x)) {
    if (!y || !isTensor(y)) throw new NeuriteError('evaluate(x, y): y must be a tensor of targets when x is a tensor.');
    model.checkInput(x, 'evaluate');
    checkTargets(model, y, 'evaluate');
    const host = await toHost(x, y);
    await checkTargetValues(model, host);
    return (await pass(model, hostBatches(host, options.batchSize ?? 256), { train: false })).logs;
  }
  return (await pass(model, iterate(x), { train: false })).logs;
}

async function checkTargetValues(model: FitModel, host: HostData): Promise<void> {
  const classes = model.outputShape[model.outputShape.length - 1] as number;
  if (model.loss?.targets === 'sparse') {
    for (let i = 0; i < host.y.length; i++) {
      const v = host.y[i];
      if (!Number.isInteger(v) || v < 0 || v >= classes) {
        throw new NeuriteError(
          `${model.name}.fit: sparse labels must be integers in [0, ${classes}) for a model with ${classes} outputs. ` +
            `Received y[${i}] = ${v}. Check the labels, or the units of the last layer.`,
        );
      }
    }
  }
}
