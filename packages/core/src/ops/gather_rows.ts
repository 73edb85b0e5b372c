import { customGrad, type GradSaveFunc, gather, scatterND, type Tensor, zeros } from '#tfjs';
import { NeuriteError } from '../errors.js';

/**
 * Row `ids[...]` of `table` for every id: `table` `[rows, ...rest]` and int32 `ids` of any shape give
 * `[...ids.shape, ...rest]`, as `gather(table, ids)` (axis 0), with a gradient on every backend: the
 * gradient for `table` sums the output's gradients of every id into its row (repeated ids add up);
 * `ids` take no gradient. Ids outside [0, rows) are not checked (gather's behaviour: zeros on webgpu).
 *
 * Why not `gather`: its gradient is an UnsortedSegmentSum, a kernel tfjs 4.22's wasm backend lacks,
 * so `grad` through a gather throws there. This one's gradient is a scatterND, which sums rows that
 * share an index on cpu, wasm and webgpu alike.
 *
 * @example
 * ```ts
 * import { gatherRows, grad, tensor, tensor2d, useBackend } from '@neurite/core';
 * await useBackend('wasm');
 * const table = tensor2d([[0, 1], [2, 3], [4, 5]]);
 * const ids = tensor([2, 0, 2], undefined, 'int32');
 * console.log(Array.from(await gatherRows(table, ids).data())); // [ 4, 5, 0, 1, 4, 5 ]
 * const dTable = grad((t) => gatherRows(t, ids).sum())(table);
 * console.log(Array.from(await dTable.data())); // [ 1, 1, 0, 0, 2, 2 ]
 * ```
 */
export function gatherRows(table: Tensor, ids: Tensor): Tensor {
  if (ids.dtype !== 'int32') {
    throw new NeuriteError(
      `gatherRows: ids must be an int32 tensor. Received dtype ${ids.dtype}. Cast them first: ids.cast('int32') ` +
        '(which truncates floats toward zero).',
    );
  }
  if (table.rank < 1) {
    throw new NeuriteError('gatherRows: the table needs at least one axis [rows, ...]. Received a scalar.');
  }
  // No ids: no rows (tfjs's wasm gather gives the wrong shape for an empty lookup).
  if (ids.size === 0) return zeros([...ids.shape, ...table.shape.slice(1)]);
  return lookup(table, ids);
}

const lookup = (table: Tensor, ids: Tensor): Tensor =>
  customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [t, i, save] = args as [Tensor, Tensor, GradSaveFunc];
    const shape = t.shape;
    // The value first: a save() before a kernel that throws (an id out of range) would leak its copy.
    const value = gather(t, i);
    save([i]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [kept] = saved;
        const rest = shape.slice(1);
        const rows = scatterND(kept.reshape([kept.size, 1]), dy.reshape([kept.size, ...rest]), shape);
        // Ids take no gradient; a float32 zero, as the tape requires of every gradient.
        return [rows, zeros(kept.shape)];
      },
    };
  })(table, ids) as Tensor;
