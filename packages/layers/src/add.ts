import type { Tensor } from '@neurite/core';
import { ElementwiseMerge } from './internal/merge.js';

/**
 * Adds its inputs element by element: the join of a residual block, `add([x, f(x)])`. Takes two or more tensors of one shape (a size-1 axis broadcasts).
 *
 * @example
 * ```ts
 * import { tensor2d, useBackend } from '@neurite/core';
 * import { Add } from '@neurite/layers';
 * await useBackend('cpu');
 * const y = new Add().apply([tensor2d([[1, 2]]), tensor2d([[3, 5]])]);
 * console.log(Array.from(await y.data())); // [ 4, 7 ]
 * ```
 */
export class Add extends ElementwiseMerge {
  static override className = 'Add';

  protected override merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => a.add(b), xs[0]);
  }
}
