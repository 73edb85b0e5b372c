import { abs, clipByValue, log, log1p, mul, neg, relu, type Tensor, tidy } from '@neurite/core';
import { checkSameShape, resolveOptions } from './internal/checks.js';
import { asFloat, EPSILON, reduce } from './internal/reduce.js';
import type { ReductionOptions } from './types.js';

/**
 * Options of `binaryCrossentropy`.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { type BinaryCrossentropyOptions, binaryCrossentropy } from '@neurite/losses';
 * await useBackend('cpu');
 * const options: BinaryCrossentropyOptions = { fromLogits: true, reduction: 'none' };
 * const loss = binaryCrossentropy(tensor2d([[1], [0]]), tensor2d([[0], [0]]), options);
 * console.log(Array.from(await loss.data(), (v) => v.toFixed(4))); // [ '0.6931', '0.6931' ]
 * ```
 */
export interface BinaryCrossentropyOptions extends ReductionOptions {
  /** yPred holds logits (any real number) rather than probabilities; default false. */
  fromLogits?: boolean;
  /** In [0, 1]: targets become y * (1 - labelSmoothing) + 0.5 * labelSmoothing; default 0. */
  labelSmoothing?: number;
}

export const binaryCrossentropyDefaults: Required<BinaryCrossentropyOptions> = {
  fromLogits: false,
  labelSmoothing: 0,
  reduction: 'mean',
};

/**
 * Binary cross-entropy, -[y log p + (1 - y) log(1 - p)], averaged over the last axis per sample.
 * Probabilities are clipped to [1e-7, 1 - 1e-7] first (as Keras does), so p = 0 and p = 1 give finite
 * losses and gradients. With `fromLogits`, the loss is computed from logits x as
 * max(x, 0) - x y + log(1 + exp(-|x|)), which is exact and stable for any x.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { binaryCrossentropy } from '@neurite/losses';
 * await useBackend('cpu');
 * const yTrue = tensor2d([[1], [0]]);
 * const yPred = tensor2d([[0.9], [0.2]]);
 * const loss = binaryCrossentropy(yTrue, yPred); // mean of -log(0.9) and -log(0.8)
 * console.log((await loss.data())[0].toFixed(4)); // 0.1643
 * ```
 */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, options?: BinaryCrossentropyOptions): Tensor {
  checkSameShape('binaryCrossentropy', yTrue, yPred, true);
  const { fromLogits, labelSmoothing, reduction } = resolveOptions(
    'binaryCrossentropy',
    options,
    binaryCrossentropyDefaults,
  );
  return tidy(() => {
    let y = asFloat(yTrue);
    if (labelSmoothing > 0) y = y.mul(1 - labelSmoothing).add(0.5 * labelSmoothing);
    const x = asFloat(yPred);
    let elementwise: Tensor;
    if (fromLogits) {
      elementwise = relu(x)
        .sub(mul(x, y))
        .add(log1p(abs(x).neg().exp()));
    } else {
      const p = clipByValue(x, EPSILON, 1 - EPSILON);
      // Both terms, not a where() on y: targets may be soft (label smoothing, distillation).
      elementwise = neg(
        y.mul(log(p)).add(
          y
            .neg()
            .add(1)
            .mul(log(p.neg().add(1))),
        ),
      );
    }
    return reduce(elementwise.mean(-1), reduction);
  });
}
