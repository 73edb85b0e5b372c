// Where fit() and evaluate() read their data, once, and where every batch of an epoch comes from.
// Arrays are checked against the model and its losses and copied to the host once per call; an epoch's
// batches are cut from those typed arrays (the step makes tensors). A batch source (a Dataset) is read
// batch by batch: each batch's inputs and targets are put in graph order and checked here, and freed
// here once the step that used it is done. The loop in training.ts only passes batches on to a step.
import { NeuriteError, permutation, type Tensor } from '@neurite/core';
import type { FitModel } from './contract.js';
import type { HostBatch, HostPart, StepBatch } from './step.js';
import { checkLabelValues, targetList } from './targets.js';
import { type Batch, type BatchSource, isTensor, isTensorSet, type TensorSet, tensorsOf } from './tensor_set.js';

/** Host copies of the training arrays, so that batches are cut from typed arrays (cheap on every backend). */
export interface HostData {
  n: number;
  /** Each input's values, all samples. */
  x: HostPart[];
  /** Each output's targets, all samples. */
  y: HostPart[];
}

/** Arrays on the host, or a source of batches. */
export type DataSource = HostData | BatchSource;

/** What one fit() trains on and validates with, once its arguments are read. */
export interface FitData {
  train: DataSource;
  val?: DataSource | undefined;
  /** Training samples (arrays), or null (a batch source). */
  samples: number | null;
  /** Batches per epoch: from the arrays' length, or a source's `count`; 0 when the source does not say. */
  batches: number;
}

export function isHostData(d: DataSource): d is HostData {
  return Array.isArray((d as HostData).x) && 'n' in d;
}

/** Copies the inputs and targets (already in graph order and checked) to the host, once per fit(). */
export async function toHost(where: string, xs: Tensor[], ys: Tensor[], names: string[]): Promise<HostData> {
  const n = xs[0].shape[0];
  const all = [...xs.map((t, i) => ['x', i, t] as const), ...ys.map((t, i) => ['y', i, t] as const)];
  for (const [side, i, t] of all) {
    if (t.shape[0] !== n) {
      const label =
        side === 'x' ? (xs.length === 1 ? 'x' : `input ${i}`) : ys.length === 1 ? 'y' : `targets of '${names[i]}'`;
      throw new NeuriteError(
        `${where}: x and y must have the same number of samples. Received ${xs.length === 1 ? 'x' : 'the first input'} ` +
          `[${xs[0].shape.join(', ')}] (${n} samples) and ${label} [${t.shape.join(', ')}] (${t.shape[0]} samples).`,
      );
    }
  }
  const part = async (t: Tensor): Promise<HostPart> => ({
    values: Float32Array.from(await t.data()),
    shape: t.shape.slice(1),
    dtype: 'float32',
  });
  return { n, x: await Promise.all(xs.map(part)), y: await Promise.all(ys.map(part)) };
}

/** Arrays in graph order, checked against the model and its losses, copied to the host once. */
export async function readArrays(model: FitModel, x: TensorSet, y: unknown, what: string): Promise<HostData> {
  if (!isTensorSet(y)) {
    throw new NeuriteError(
      `${model.name}.${what}(x, y): y must be the targets (a tensor, or a list or object of them, one per output) when x is arrays. Received: ${y === undefined ? 'nothing' : typeof y}.`,
    );
  }
  const xs = model.inputTensors(x, what);
  const ys = targetList(model, y, what);
  const host = await toHost(`${model.name}.${what}`, xs, ys, model.outputNames);
  const { objective } = model.requireCompiled(what);
  checkLabelValues(
    `${model.name}.${what}`,
    objective,
    model.outputShapes,
    host.y.map((p) => p.values),
  );
  return host;
}

/** Arrays (copied to the host, checked) or a batch source (as it is), for evaluate(). */
export async function readData(
  model: FitModel,
  x: TensorSet | BatchSource,
  y: unknown,
  what: string,
): Promise<DataSource> {
  return isTensorSet(x) ? readArrays(model, x, y, what) : checkSource(model, x, what, 'x');
}

const describe = (v: unknown): string => {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v))
    return `a list of ${v.length} (${[...new Set(v.map((e) => (isTensor(e) ? 'tensor' : typeof e)))].join(', ') || 'empty'})`;
  if (typeof v !== 'object') return typeof v;
  const keys = Object.keys(v);
  return keys.length === 0
    ? 'an empty object'
    : `an object with ${keys.map((k) => `${k}: ${isTensor((v as Record<string, unknown>)[k]) ? 'tensor' : typeof (v as Record<string, unknown>)[k]}`).join(', ')}`;
};

/** A batch source as given, once it is known to be one (anything iterable that is not arrays). */
function checkSource(model: FitModel, v: unknown, what: string, name: string): BatchSource {
  // A list is a source when it holds batches (a list holding a tensor was meant as arrays).
  const iterable =
    typeof v === 'object' &&
    v !== null &&
    (Symbol.iterator in v || Symbol.asyncIterator in v) &&
    !(Array.isArray(v) && (v.length === 0 || v.some(isTensor)));
  if (!iterable) {
    throw new NeuriteError(
      `${model.name}.${what}: ${name} must be arrays (a tensor, a list of tensors in input order, or an object of tensors keyed by input name: every value a tensor) ` +
        `or a batch source (an iterable of { xs, ys } batches, e.g. a Dataset's batch(32)). Received: ${describe(v)}.`,
    );
  }
  return v as BatchSource;
}

/** Whether validationData is a pair [x, y] of arrays (not a source that happens to hold two batches). */
function isArrayPair(v: unknown): v is [TensorSet, TensorSet] {
  if (!Array.isArray(v) || v.length !== 2 || !isTensorSet(v[0]) || !isTensorSet(v[1])) return false;
  const batchLike = (b: unknown) =>
    !Array.isArray(b) &&
    Object.keys(b as object)
      .sort()
      .join() === 'xs,ys';
  return !(batchLike(v[0]) && batchLike(v[1]));
}

/** fit()'s data arguments, read once: fit(x, y, ...) on arrays or fit(source, ...) on a batch source. */
export async function readFitData(
  model: FitModel,
  x: TensorSet | BatchSource,
  y: unknown,
  options: {
    batchSize: number;
    validationSplit?: number | undefined;
    validationData?: [TensorSet, TensorSet] | BatchSource | undefined;
  },
): Promise<FitData> {
  const { batchSize, validationSplit: split, validationData: vd } = options;
  let train: DataSource;
  let val: DataSource | undefined;
  if (isTensorSet(x)) {
    const host = await readArrays(model, x, y, 'fit');
    if (split) {
      [train, val] = splitHost(host, split);
      if (train.n === 0 || val.n === 0) {
        throw new NeuriteError(
          `${model.name}.fit: validationSplit=${split} of ${host.n} samples leaves ${train.n} to train on and ${val.n} to validate on; both need at least one. ` +
            'Pass more samples or another split.',
        );
      }
    } else train = host;
  } else if (split !== undefined) {
    throw new NeuriteError('fit: validationSplit needs arrays; with a dataset, pass validationData instead.');
  } else train = checkSource(model, x, 'fit', 'x');
  if (vd !== undefined) {
    if (isArrayPair(vd)) val = await readArrays(model, vd[0], vd[1], 'fit');
    else if (Array.isArray(vd)) {
      throw new NeuriteError(
        `${model.name}.fit: validationData must be a pair [x, y] of arrays (each a tensor, a list or an object of tensors) or a batch source. Received: ${describe(vd)}.`,
      );
    } else val = checkSource(model, vd, 'fit', 'validationData');
  }
  // A source that knows its batch count (a BatchedDataset's `count`) gives the plan; others say 0.
  const counted = (train as { count?: unknown }).count;
  const batches = isHostData(train)
    ? Math.ceil(train.n / batchSize)
    : typeof counted === 'number' && Number.isSafeInteger(counted) && counted >= 0
      ? counted
      : 0;
  return { train, val, samples: isHostData(train) ? train.n : null, batches };
}

const sizeOf = (p: HostPart) => p.shape.reduce((a, b) => a * b, 1);

/** Splits off the last `fraction` of the samples (before any shuffling), as Keras does. */
export function splitHost(d: HostData, fraction: number): [HostData, HostData] {
  const nVal = Math.floor(d.n * fraction);
  const nTrain = d.n - nVal;
  const cut = (p: HostPart, from: number, to: number): HostPart => ({
    ...p,
    values: p.values.subarray(from * sizeOf(p), to * sizeOf(p)),
  });
  const part = (from: number, to: number): HostData => ({
    n: to - from,
    x: d.x.map((p) => cut(p, from, to)),
    y: d.y.map((p) => cut(p, from, to)),
  });
  return [part(0, nTrain), part(nTrain, d.n)];
}

/** The batches of `d` in the given order, as typed arrays (the step makes tensors), from batch `first` on. */
export function* hostBatches(d: HostData, batchSize: number, order?: Uint32Array, first = 0): Generator<HostBatch> {
  for (let start = first * batchSize; start < d.n; start += batchSize) {
    const size = Math.min(batchSize, d.n - start);
    const gather = (p: HostPart): HostPart => {
      const s = sizeOf(p);
      if (!order) return { ...p, values: p.values.subarray(start * s, (start + size) * s) };
      const out = new Float32Array(size * s);
      for (let i = 0; i < size; i++) {
        const j = order[start + i];
        out.set(p.values.subarray(j * s, (j + 1) * s), i * s);
      }
      return { ...p, values: out };
    };
    yield { n: size, x: d.x.map(gather), y: d.y.map(gather) };
  }
}

/** Frees whatever tensors a source's batch holds (it may be malformed: only tensors are touched). */
function disposeBatch(b: unknown): void {
  for (const side of ['xs', 'ys'] as const) {
    const v = (b as Partial<Batch> | null)?.[side];
    if (isTensor(v)) v.dispose();
    else if (typeof v === 'object' && v !== null) for (const t of Object.values(v)) if (isTensor(t)) t.dispose();
  }
}

/** How one epoch reads its data. */
export interface EpochOptions {
  /** In messages: 'fit' or 'evaluate'. */
  what: string;
  /** Samples per batch, for arrays (a source brings its own). */
  batchSize: number;
  /** Arrays: the seed of this epoch's shuffle (core's one permutation), or null for the stored order. */
  shuffleSeed?: number | null | undefined;
  /** Batches to skip: a resumed epoch starts after the ones it trained. */
  skip?: number | undefined;
}

/**
 * One epoch's batches, ready for a step: host arrays cut from `d`, or a source's batches with their
 * inputs and targets in graph order and checked. A source's batch is freed when the next one is asked
 * for, or when the consumer stops (a break or a throw returns the generator).
 */
export async function* epochBatches(model: FitModel, d: DataSource, options: EpochOptions): AsyncGenerator<StepBatch> {
  const { what, batchSize, shuffleSeed, skip = 0 } = options;
  if (isHostData(d)) {
    const order = shuffleSeed === undefined || shuffleSeed === null ? undefined : permutation(d.n, shuffleSeed);
    yield* hostBatches(d, batchSize, order, skip);
    return;
  }
  let index = 0;
  const { objective } = model.requireCompiled(what);
  const sparse = objective.some((o) => o.loss.targets === 'sparse');
  for await (const b of d as AsyncIterable<Batch>) {
    try {
      if (index++ < skip) continue;
      const where = `${model.name}.${what}: batch ${index} of the source`;
      if (typeof b !== 'object' || b === null || !('xs' in b) || !('ys' in b)) {
        throw new NeuriteError(`${where} is not a batch: expected { xs, ys }, received ${describe(b)}.`);
      }
      if ([b.xs, b.ys].some((v) => isTensorSet(v) && tensorsOf(v).some((t) => t.isDisposed))) {
        throw new NeuriteError(
          `${where} holds a disposed tensor. fit() and evaluate() free every batch after its step, so a source must make new tensors each pass: ` +
            'a list of batches can be read once; use a Dataset, or an object whose [Symbol.asyncIterator]() makes the batches anew.',
        );
      }
      // A model fed by a dataset may learn its input shape only from its first batch (inputTensors).
      const xs = model.inputTensors(b.xs, what);
      const ys = targetList(model, b.ys, what);
      const n = xs[0].shape[0];
      const other = [...xs, ...ys].find((t) => t.shape[0] !== n);
      if (other) {
        throw new NeuriteError(
          `${where} has ${n} samples in its first input and ${other.shape[0]} in another part ([${other.shape.join(', ')}]); every input and target of a batch needs the same number.`,
        );
      }
      if (n === 0) continue; // nothing to step on
      if (sparse) {
        const values = await Promise.all(ys.map((t, k) => (objective[k].loss.targets === 'sparse' ? t.data() : [])));
        checkLabelValues(where, objective, model.outputShapes, values);
      }
      yield { n, xs, ys };
    } finally {
      disposeBatch(b);
    }
  }
  if (index === 0) {
    throw new NeuriteError(
      `${model.name}.${what}: the batch source yielded no batches. It is read once per epoch (and once per validation): a generator object ` +
        'can be read only once; pass something whose [Symbol.asyncIterator]() starts again, such as a Dataset.',
    );
  }
}
