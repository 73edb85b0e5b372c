import type { Tensor } from '@neurite/core';
import { ElementwiseMerge } from './internal/merge.js';

/**
 * The element-wise minimum of its inputs. Takes two or more tensors of one shape.
 *
 * @example
 * ```ts
 * import { tensor2d, useBackend } from '@neurite/core';
 * import { Minimum } from '@neurite/layers';
 * await useBackend('cpu');
 * const y = new Minimum().apply([tensor2d([[1, 2]]), tensor2d([[3, 5]])]);
 * console.log(Array.from(await y.data())); // [ 1, 2 ]
 * ```
 */
export class Minimum extends ElementwiseMerge {
  static override className = 'Minimum';

  protected override merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => a.minimum(b), xs[0]);
  }
}
