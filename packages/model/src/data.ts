import { NeuriteError, type Tensor } from '@neurite/core';
import type { HostBatch, HostPart } from './step.js';

/** Tensors for a model's inputs or its targets: one, a list in graph order, or an object keyed by name. */
export type TensorSet = Tensor | Tensor[] | Record<string, Tensor>;

/**
 * One batch from a dataset: inputs and targets. A model with several inputs or outputs takes a list
 * of tensors (graph order) or an object keyed by input or output name on either side.
 */
export interface Batch {
  xs: TensorSet;
  ys: TensorSet;
}

/**
 * What fit() and evaluate() accept besides arrays: anything that yields batches, sync or async
 * (@neurite/datasets' Dataset does). Batches are disposed by the loop after use. A source with a
 * numeric `count` (as `BatchedDataset` has: batches per pass) gives progress callbacks their plan.
 */
export type BatchSource = (AsyncIterable<Batch> | Iterable<Batch>) & { readonly count?: number | undefined };

export function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'dataId' in v && 'shape' in v;
}

/** Whether `v` is a tensor, a non-empty list of tensors, or a plain object whose values are all tensors. */
export function isTensorSet(v: unknown): v is TensorSet {
  if (isTensor(v)) return true;
  if (Array.isArray(v)) return v.length > 0 && v.every(isTensor);
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  const values = Object.values(v);
  return values.length > 0 && values.every(isTensor);
}

/** Every tensor in a set, for disposing. */
export function tensorsOf(v: TensorSet): Tensor[] {
  if (isTensor(v)) return [v];
  return Array.isArray(v) ? v : Object.values(v);
}

/** Host copies of the training arrays, so that batches are cut from typed arrays (cheap on every backend). */
export interface HostData {
  n: number;
  /** Each input's values, all samples. */
  x: HostPart[];
  /** Each output's targets, all samples. */
  y: HostPart[];
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

/** The seeded shuffle order of fit's epochs: core's one permutation. */
export { permutation } from '@neurite/core';
