import { type Tensor, tidy } from '@neurite/core';
import { checkSameShape, resolveOptions } from './internal/checks.js';
import { asFloat, reduce } from './internal/reduce.js';
import type { ReductionOptions } from './types.js';

export const meanSquaredErrorDefaults: Required<ReductionOptions> = { reduction: 'mean' };

/**
 * Mean squared error: the mean over the last axis of (yPred - yTrue)^2, per sample. The usual loss for
 * regression; its gradient, 2 (yPred - yTrue) / n, grows with the error, so a few large errors dominate
 * (see `huber` for targets with outliers). Targets of any numeric dtype are cast to float32.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { meanSquaredError } from '@neurite/losses';
 * await useBackend('cpu');
 * const yTrue = tensor2d([[0, 1], [2, 2]]);
 * const yPred = tensor2d([[1, 1], [2, 5]]);
 * const loss = meanSquaredError(yTrue, yPred); // per sample (1 + 0) / 2 and (0 + 9) / 2, then their mean
 * console.log((await loss.data())[0]); // 2.5
 * ```
 */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor, options?: ReductionOptions): Tensor {
  checkSameShape('meanSquaredError', yTrue, yPred);
  const { reduction } = resolveOptions('meanSquaredError', options, meanSquaredErrorDefaults);
  return tidy(() => reduce(asFloat(yPred).sub(asFloat(yTrue)).square().mean(-1), reduction));
}
