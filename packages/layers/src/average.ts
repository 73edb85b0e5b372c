import type { Tensor } from '@neurite/core';
import { ElementwiseMerge } from './internal/merge.js';

/**
 * The element-wise mean of its inputs (an ensemble of branches). Takes two or more tensors of one shape.
 *
 * @example
 * ```ts
 * import { tensor2d, useBackend } from '@neurite/core';
 * import { Average } from '@neurite/layers';
 * await useBackend('cpu');
 * const y = new Average().apply([tensor2d([[1, 2]]), tensor2d([[3, 5]])]);
 * console.log(Array.from(await y.data())); // [ 2, 3.5 ]
 * ```
 */
export class Average extends ElementwiseMerge {
  static override className = 'Average';

  protected override merge(xs: Tensor[]): Tensor {
    return xs
      .slice(1)
      .reduce((a, b) => a.add(b), xs[0])
      .div(xs.length);
  }
}
