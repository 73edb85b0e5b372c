import type { Tensor } from '@neurite/core';
import { ElementwiseMerge } from './internal/merge.js';

/**
 * Multiplies its inputs element by element (a gate, say). Takes two or more tensors of one shape.
 *
 * @example
 * ```ts
 * import { tensor2d, useBackend } from '@neurite/core';
 * import { Multiply } from '@neurite/layers';
 * await useBackend('cpu');
 * const y = new Multiply().apply([tensor2d([[1, 2]]), tensor2d([[3, 5]])]);
 * console.log(Array.from(await y.data())); // [ 3, 10 ]
 * ```
 */
export class Multiply extends ElementwiseMerge {
  static override className = 'Multiply';

  protected override merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => a.mul(b), xs[0]);
  }
}
