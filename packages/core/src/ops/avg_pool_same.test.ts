import { avgPool, avgPoolSame, grad, type Tensor, type Tensor4D, tensor, tensor4d } from '@neurite/core';
import { compareArrays, describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { checkOp } from '../../test/check_op.js';
import { avgPoolSameReference, type WindowCase, windowGeometry } from '../../test/reference.js';

// Odd and even sizes; square, tall and one-column pools (AveragePooling1D pools [steps, 1] images);
// strides 1 and 2, and a stride larger than the pool. Even sizes under 2x2 stride 2 need no padding
// and take the 'valid' path.
const grid: WindowCase[] = [];
for (const [height, width] of [
  [5, 7],
  [4, 6],
])
  for (const kernel of [
    [2, 2],
    [3, 3],
    [3, 2],
    [3, 1],
  ] as [number, number][])
    for (const strides of [
      [1, 1],
      [2, 2],
    ] as [number, number][])
      grid.push({ batch: 2, height, width, channels: 2, kernel, strides, dilation: [1, 1], pad: 'same' });
grid.push({
  batch: 1,
  height: 7,
  width: 5,
  channels: 3,
  kernel: [2, 3],
  strides: [3, 1],
  dilation: [1, 1],
  pad: 'same',
});

function label(c: WindowCase): string {
  return `x[${c.batch},${c.height},${c.width},${c.channels}] pool ${c.kernel.join('x')} s${c.strides.join('x')}`;
}

await describeBackends('avgPoolSame', (backend) => {
  for (const c of grid) {
    it(`averages each window over the cells it covers, gradients included: ${label(c)}`, async () => {
      const { oh, ow } = windowGeometry(c);
      const x = floats(c.batch * c.height * c.width * c.channels, 1);
      const dy = floats(c.batch * oh * ow * c.channels, 2);
      const ref = avgPoolSameReference(c, x, dy);
      await checkOp({
        op: (t) => avgPoolSame(t as Tensor4D, c.kernel, c.strides),
        inputs: [{ values: x, shape: [c.batch, c.height, c.width, c.channels] }],
        dy,
        expected: { shape: ref.shape, y: ref.y, grads: [ref.dx] },
        backend,
      });
    });
  }

  // Why the op exists: tfjs's avgPool 'same' has the right forward values but not the right gradient.
  it("agrees with tfjs's avgPool 'same' forward, not with its gradient (tfjs 4.22 divides edges by the pool size)", async () => {
    const c = grid[0]; // 5x7, pool 2, stride 1: the last row and column of windows are edge windows
    const { oh, ow } = windowGeometry(c);
    const xv = floats(c.batch * c.height * c.width * c.channels, 3);
    const dyv = floats(c.batch * oh * ow * c.channels, 4);
    const ref = avgPoolSameReference(c, xv, dyv);
    const x = tensor(xv, [c.batch, c.height, c.width, c.channels]) as Tensor4D;
    const dy = tensor(dyv, ref.shape);
    expectClose(await avgPool(x, c.kernel, c.strides, 'same').data(), ref.y, backend);
    const stock = await grad((t: Tensor) =>
      avgPool(t as Tensor4D, c.kernel, c.strides, 'same')
        .mul(dy)
        .sum(),
    )(x).data();
    expect(() => compareArrays(stock, ref.dx, 'tfjs', 1, { rtol: 1e-3, atol: 1e-3 })).toThrow();
    // On 3x3 with 2x2 windows at stride 2, tfjs gives every cell 1/4; the corner window holds one cell.
    const small = tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const tfjs = await grad((t: Tensor) => avgPool(t as Tensor4D, 2, 2, 'same').sum())(small).data();
    expect(Array.from(tfjs)).toEqual(new Array(9).fill(0.25));
    const ours = await grad((t: Tensor) => avgPoolSame(t as Tensor4D, 2, 2).sum())(small).data();
    expect(Array.from(ours)).toEqual([0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1]);
  });

  it('explains bad arguments', () => {
    const x = tensor4d(floats(9, 5), [1, 3, 3, 1]);
    expect(() => avgPoolSame(x.reshape([3, 3, 1]) as never, 2, 2)).toThrow(
      'avgPoolSame expects a rank-4 input [batch, height, width, channels]. Received shape [3, 3, 1].',
    );
    expect(() => avgPoolSame(x, [2, 0], 2)).toThrow(
      'avgPoolSame: pool must be a positive integer or a pair of them, e.g. 2 or [2, 2]. Received: pool=[2,0].',
    );
    expect(() => avgPoolSame(x, 2, 1.5 as never)).toThrow(
      'avgPoolSame: strides must be a positive integer or a pair of them, e.g. 2 or [2, 2]. Received: strides=1.5.',
    );
    x.dispose();
  });

  it('takes a pool longer than the input without padding by its size (2^31 from a model file)', async () => {
    const v = floats(12, 9);
    const x = tensor4d(v, [1, 3, 4, 1]);
    // Along the height: 3 rows, stride 1, 3 outputs; no window longer than 3 + 2 * 1 = 5 covers more.
    const capped = await avgPoolSame(x, [5, 2], 1).data();
    expectClose(await avgPoolSame(x, [2 ** 31 - 1, 2], 1).data(), capped, backend);
    expectClose(await avgPoolSame(x, [6, 2], 1).data(), capped, backend);
    // Every window then covers the whole column: its mean.
    const whole = await avgPoolSame(x, [2 ** 31 - 1, 1], 1).data();
    const columnMean = (c: number) => (v[c] + v[4 + c] + v[8 + c]) / 3;
    expectClose(Array.from(whole).slice(0, 4), [0, 1, 2, 3].map(columnMean), backend);
    x.dispose();
  });
});
