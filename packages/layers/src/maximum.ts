import type { Tensor } from '@neurite/core';
import { ElementwiseMerge } from './internal/merge.js';

/**
 * The element-wise maximum of its inputs. Takes two or more tensors of one shape.
 *
 * @example
 * ```ts
 * import { tensor2d, useBackend } from '@neurite/core';
 * import { Maximum } from '@neurite/layers';
 * await useBackend('cpu');
 * const y = new Maximum().apply([tensor2d([[1, 2]]), tensor2d([[3, 5]])]);
 * console.log(Array.from(await y.data())); // [ 3, 5 ]
 * ```
 */
export class Maximum extends ElementwiseMerge {
  static override className = 'Maximum';

  protected override merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => a.maximum(b), xs[0]);
  }
}
