// A leaf of the package: what fit(), evaluate() and predict() take as data (a tensor, a list in graph
// order, or an object keyed by name; or a source of batches), and how to tell them apart. data.ts,
// targets.ts and model.ts import it; it imports nothing of the package.
import type { Tensor } from '@neurite/core';

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
