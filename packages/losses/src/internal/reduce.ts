import { cast, mean, sum, type Tensor } from '@neurite/core';
import type { Reduction } from '../types.js';

/** Keras's fuzz factor: probabilities are clipped to [EPSILON, 1 - EPSILON] before their log. */
export const EPSILON = 1e-7;

/** Targets may be int32 or bool (class labels); the arithmetic is float32. */
export function asFloat(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

/** Per-sample losses to the returned tensor. 'mean' divides by their count, as Keras's sum_over_batch_size. */
export function reduce(perSample: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return perSample;
  return reduction === 'sum' ? sum(perSample) : mean(perSample);
}
