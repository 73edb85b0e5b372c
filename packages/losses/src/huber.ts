import { minimum, type Tensor, tidy } from '@neurite/core';
import { checkSameShape, resolveOptions } from './internal/checks.js';
import { asFloat, reduce } from './internal/reduce.js';
import type { ReductionOptions } from './types.js';

/**
 * Options of `huber`.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { type HuberOptions, huber } from '@neurite/losses';
 * await useBackend('cpu');
 * const options: HuberOptions = { delta: 2 };
 * const loss = huber(tensor2d([[0]]), tensor2d([[3]]), options); // 2 * 3 - 0.5 * 2^2
 * console.log((await loss.data())[0]); // 4
 * ```
 */
export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear; a positive number, default 1. */
  delta?: number;
}

export const huberDefaults: Required<HuberOptions> = { delta: 1, reduction: 'mean' };

/**
 * Huber loss, per element of e = yPred - yTrue: 0.5 e^2 where |e| <= delta, else
 * delta |e| - 0.5 delta^2 (quadratic near zero, linear beyond delta, so outliers pull less than in
 * MSE); averaged over the last axis per sample.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { huber } from '@neurite/losses';
 * await useBackend('cpu');
 * const yTrue = tensor2d([[0, 0]]);
 * const yPred = tensor2d([[0.5, 3]]);
 * const loss = huber(yTrue, yPred); // (0.5 * 0.5^2 + (1 * 3 - 0.5 * 1^2)) / 2
 * console.log((await loss.data())[0]); // 1.3125
 * ```
 */
export function huber(yTrue: Tensor, yPred: Tensor, options?: HuberOptions): Tensor {
  checkSameShape('huber', yTrue, yPred);
  const { delta, reduction } = resolveOptions('huber', options, huberDefaults);
  return tidy(() => {
    const absError = asFloat(yPred).sub(asFloat(yTrue)).abs();
    // q = min(|e|, delta) gives both branches in one expression: 0.5 q^2 + delta (|e| - q). A where() on
    // |e| <= delta would need a gradient for LessEqual, which tfjs does not register.
    const q = minimum(absError, delta);
    return reduce(q.square().mul(0.5).add(absError.sub(q).mul(delta)).mean(-1), reduction);
  });
}
