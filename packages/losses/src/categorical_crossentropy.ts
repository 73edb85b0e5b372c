import { clipByValue, log, logSoftmax, neg, type Tensor, tidy } from '@neurite/core';
import { checkSameShape, resolveOptions } from './internal/checks.js';
import { asFloat, EPSILON, reduce } from './internal/reduce.js';
import type { ReductionOptions } from './types.js';

/**
 * Options of `categoricalCrossentropy`.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { type CategoricalCrossentropyOptions, categoricalCrossentropy } from '@neurite/losses';
 * await useBackend('cpu');
 * const options: CategoricalCrossentropyOptions = { fromLogits: true };
 * const loss = categoricalCrossentropy(tensor2d([[0, 1]]), tensor2d([[0, 0]]), options); // -log(1/2)
 * console.log((await loss.data())[0].toFixed(4)); // 0.6931
 * ```
 */
export interface CategoricalCrossentropyOptions extends ReductionOptions {
  /** yPred holds logits (softmax is applied inside, stably) rather than probabilities; default false. */
  fromLogits?: boolean;
  /** In [0, 1]: targets become y * (1 - labelSmoothing) + labelSmoothing / numClasses; default 0. */
  labelSmoothing?: number;
}

export const categoricalCrossentropyDefaults: Required<CategoricalCrossentropyOptions> = {
  fromLogits: false,
  labelSmoothing: 0,
  reduction: 'mean',
};

/** -sum(y log p) over the last axis, shared with sparseCategoricalCrossentropy. Call inside tidy. */
export function categoricalPerSample(y: Tensor, yPred: Tensor, fromLogits: boolean): Tensor {
  const x = asFloat(yPred);
  // As Keras: probabilities are rescaled to sum to 1 per sample, then clipped away from 0 and 1.
  const logP = fromLogits ? logSoftmax(x) : log(clipByValue(x.div(x.sum(-1, true)), EPSILON, 1 - EPSILON));
  return neg(y.mul(logP).sum(-1));
}

/**
 * Categorical cross-entropy for one-hot (or soft) targets: -sum over classes of y log p, per sample.
 * Classes are on the last axis. Probabilities are rescaled to sum to 1 and clipped to [1e-7, 1 - 1e-7]
 * (as Keras does); with `fromLogits`, log-softmax is computed stably instead.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { categoricalCrossentropy } from '@neurite/losses';
 * await useBackend('cpu');
 * const yTrue = tensor2d([[0, 1, 0], [1, 0, 0]]);
 * const yPred = tensor2d([[0.1, 0.8, 0.1], [0.5, 0.25, 0.25]]);
 * const loss = categoricalCrossentropy(yTrue, yPred, { reduction: 'none' }); // -log(0.8), -log(0.5)
 * console.log(Array.from(await loss.data(), (v) => v.toFixed(4))); // [ '0.2231', '0.6931' ]
 * ```
 */
export function categoricalCrossentropy(
  yTrue: Tensor,
  yPred: Tensor,
  options?: CategoricalCrossentropyOptions,
): Tensor {
  checkSameShape('categoricalCrossentropy', yTrue, yPred, true);
  const { fromLogits, labelSmoothing, reduction } = resolveOptions(
    'categoricalCrossentropy',
    options,
    categoricalCrossentropyDefaults,
  );
  const numClasses = yPred.shape[yPred.rank - 1];
  return tidy(() => {
    let y = asFloat(yTrue);
    if (labelSmoothing > 0) y = y.mul(1 - labelSmoothing).add(labelSmoothing / numClasses);
    return reduce(categoricalPerSample(y, yPred, fromLogits), reduction);
  });
}
