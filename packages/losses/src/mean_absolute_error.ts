import { type Tensor, tidy } from '@neurite/core';
import { checkSameShape, resolveOptions } from './internal/checks.js';
import { asFloat, reduce } from './internal/reduce.js';
import type { ReductionOptions } from './types.js';

export const meanAbsoluteErrorDefaults: Required<ReductionOptions> = { reduction: 'mean' };

/**
 * Mean absolute error: the mean over the last axis of |yPred - yTrue|, per sample. Its gradient,
 * sign(yPred - yTrue) / n, has the same size for every error, so outliers pull no harder than small
 * errors; it estimates the median rather than the mean. Targets of any numeric dtype are cast to float32.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { meanAbsoluteError } from '@neurite/losses';
 * await useBackend('cpu');
 * const yTrue = tensor2d([[0, 1], [2, 2]]);
 * const yPred = tensor2d([[1, 1], [2, 5]]);
 * const loss = meanAbsoluteError(yTrue, yPred, { reduction: 'none' }); // (1 + 0) / 2 and (0 + 3) / 2
 * console.log(Array.from(await loss.data())); // [ 0.5, 1.5 ]
 * ```
 */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor, options?: ReductionOptions): Tensor {
  checkSameShape('meanAbsoluteError', yTrue, yPred);
  const { reduction } = resolveOptions('meanAbsoluteError', options, meanAbsoluteErrorDefaults);
  return tidy(() => reduce(asFloat(yPred).sub(asFloat(yTrue)).abs().mean(-1), reduction));
}
