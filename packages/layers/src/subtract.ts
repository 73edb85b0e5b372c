import type { Tensor } from '@neurite/core';
import { ElementwiseMerge } from './internal/merge.js';

/**
 * Subtracts its second input from its first, element by element. Takes exactly two tensors of one shape.
 *
 * @example
 * ```ts
 * import { tensor2d, useBackend } from '@neurite/core';
 * import { Subtract } from '@neurite/layers';
 * await useBackend('cpu');
 * const y = new Subtract().apply([tensor2d([[1, 2]]), tensor2d([[3, 5]])]);
 * console.log(Array.from(await y.data())); // [ -2, -3 ]
 * ```
 */
export class Subtract extends ElementwiseMerge {
  static override className = 'Subtract';
  protected override arity = { min: 2, max: 2 };
  protected override merge(xs: Tensor[]): Tensor {
    return xs[0].sub(xs[1]);
  }
}
