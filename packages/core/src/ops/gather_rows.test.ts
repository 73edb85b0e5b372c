import { gather, gatherRows, grad, liveTensors, type Tensor, tensor } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { checkOp } from '../../test/check_op.js';

interface GatherCase {
  table: number[];
  ids: number[];
  idsShape: number[];
}

// Repeated ids (their gradients add up), unused rows, ids of rank 1 to 3, tables of rank 1 to 3.
const grid: GatherCase[] = [
  { table: [5, 3], ids: [1, 3, 1, 1], idsShape: [4] },
  { table: [5, 3], ids: [4, 0, 4, 2, 0, 4], idsShape: [2, 3] },
  { table: [4, 2], ids: [3, 3, 0, 1, 3, 0, 0, 3], idsShape: [2, 2, 2] },
  { table: [6], ids: [5, 0, 5, 2], idsShape: [2, 2] },
  { table: [3, 2, 3], ids: [2, 2, 0], idsShape: [3] },
  { table: [5, 3], ids: [2], idsShape: [1] },
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The rows by definition, and the gradient of sum(y * dy) for the table: dy's rows summed per id. */
function reference(c: GatherCase, table: Float32Array, dy: Float32Array) {
  const row = size(c.table.slice(1));
  const y = c.ids.flatMap((id) => Array.from(table.subarray(id * row, (id + 1) * row)));
  const dTable = new Float64Array(table.length);
  c.ids.forEach((id, n) => {
    for (let k = 0; k < row; k++) dTable[id * row + k] += dy[n * row + k];
  });
  return { shape: [...c.idsShape, ...c.table.slice(1)], y, dTable };
}

await describeBackends('gatherRows', (backend) => {
  for (const c of grid) {
    it(`looks up rows and sums their gradients: table [${c.table.join(', ')}], ids [${c.ids.join(', ')}]`, async () => {
      const table = floats(size(c.table), 1);
      const dy = floats(c.ids.length * size(c.table.slice(1)), 2);
      const ref = reference(c, table, dy);
      const ids = tensor(c.ids, c.idsShape, 'int32');
      // A lookup copies values: exact.
      const t = tensor(table, c.table);
      const y = gatherRows(t, ids);
      expect(Array.from(await y.data())).toEqual(ref.y);
      t.dispose();
      y.dispose();
      await checkOp({
        op: (t) => gatherRows(t, ids),
        inputs: [{ values: table, shape: c.table }],
        dy,
        expected: { shape: ref.shape, y: ref.y, grads: [ref.dTable] },
        backend,
      });
      ids.dispose();
    });
  }

  // Why the op exists: gather's gradient is an UnsortedSegmentSum, which tfjs 4.22's wasm backend lacks.
  it("agrees with gather's gradient where gather has one", async () => {
    const table = tensor(floats(15, 3), [5, 3]);
    const ids = tensor([4, 1, 4, 4], [2, 2], 'int32');
    const dy = tensor(floats(12, 4), [2, 2, 3]);
    const ours = await grad((t: Tensor) => gatherRows(t, ids).mul(dy).sum())(table).data();
    const stock = () => grad((t: Tensor) => gather(t, ids).mul(dy).sum())(table);
    if (backend === 'wasm') {
      expect(stock).toThrow("Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'");
    } else {
      expectClose(ours, await stock().data(), backend);
    }
    for (const t of [table, ids, dy]) t.dispose();
  });

  it('explains bad ids', () => {
    const table = tensor(floats(6, 5), [3, 2]);
    const ids = tensor([0, 2.5]);
    expect(() => gatherRows(table, ids)).toThrow(
      "gatherRows: ids must be an int32 tensor. Received dtype float32. Cast them first: ids.cast('int32') (which truncates floats toward zero).",
    );
    expect(() => gatherRows(tensor(1), ids.cast('int32'))).toThrow(
      'gatherRows: the table needs at least one axis [rows, ...]. Received a scalar.',
    );
    table.dispose();
    ids.dispose();
  });

  it('looks up no rows, and leaks nothing when an id is out of range under a gradient', () => {
    const table = tensor(floats(6, 3), [3, 2]);
    const none = gatherRows(table, tensor([], [0], 'int32'));
    expect(none.shape).toEqual([0, 2]);
    expect(gatherRows(tensor([], [0, 2]), tensor([], [2, 0], 'int32')).shape).toEqual([2, 0, 2]);
    none.dispose();
    // cpu and wasm refuse an id out of range (webgpu's gather reads zeros instead; Embedding checks ids).
    if (backend !== 'webgpu') {
      const before = liveTensors().tensors;
      const bad = tensor([0, 7], [2], 'int32');
      expect(() => grad((t: Tensor) => gatherRows(t, bad).sum())(table)).toThrow();
      bad.dispose();
      expect(liveTensors().tensors).toBe(before);
    }
    table.dispose();
  });
});
