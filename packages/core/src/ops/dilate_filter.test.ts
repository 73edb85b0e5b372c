import {
  conv2d,
  dilateFilter,
  grad,
  liveTensors,
  type Tensor,
  type Tensor4D,
  tensor,
  tidy,
  zeros,
} from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { checkOp } from '../../test/check_op.js';
import { type WindowCase, windowedConvReference, windowGeometry } from '../../test/reference.js';

/** The spread filter by definition: tap (i, j) moves to (i * dh, j * dw), zeros elsewhere. */
function dilatedReference(k: Float32Array, shape: number[], [dh, dw]: [number, number]): number[] {
  const [kh, kw, ...rest] = shape;
  const inner = rest.reduce((a, b) => a * b, 1);
  const [h, w] = [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
  const out = new Array<number>(h * w * inner).fill(0);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let r = 0; r < inner; r++) out[(i * dh * w + j * dw) * inner + r] = k[(i * kw + j) * inner + r];
  return out;
}

const filters: number[][] = [
  [3, 2, 2, 3],
  [2, 3, 1],
  [3, 1],
  [1, 1, 2, 2],
];
const rates: [number, number][] = [
  [1, 1],
  [2, 2],
  [2, 1],
  [1, 3],
];

// conv2d through a dilated filter against the dilated convolution by definition. Odd sizes, strides 1
// and 2 (tfjs's conv2d refuses strides and dilation both above 1; the spread filter has no such limit),
// 'same' and 'valid', dilation 1, 2 and uneven rates.
const grid: WindowCase[] = [];
for (const strides of [
  [1, 1],
  [2, 2],
] as [number, number][])
  for (const pad of ['same', 'valid'] as const)
    for (const dilation of [
      [1, 1],
      [2, 2],
    ] as [number, number][])
      grid.push({ batch: 2, height: 7, width: 6, channels: 2, kernel: [3, 2], strides, dilation, pad });
grid.push({
  batch: 1,
  height: 9,
  width: 5,
  channels: 3,
  kernel: [2, 3],
  strides: [1, 2],
  dilation: [3, 1],
  pad: 'same',
});
grid.push({
  batch: 1,
  height: 8,
  width: 7,
  channels: 1,
  kernel: [3, 3],
  strides: [1, 1],
  dilation: [1, 2],
  pad: 'valid',
});
// One tap along a dilated axis (Conv2D with kernelSize [1, 3]): a one-part split's gradient throws in tfjs.
grid.push({
  batch: 1,
  height: 5,
  width: 7,
  channels: 2,
  kernel: [1, 3],
  strides: [1, 1],
  dilation: [2, 2],
  pad: 'same',
});

function label(c: WindowCase): string {
  return `x[${c.batch},${c.height},${c.width},${c.channels}] k${c.kernel.join('x')} s${c.strides.join('x')} d${c.dilation.join('x')} ${c.pad}`;
}

await describeBackends('dilateFilter', (backend) => {
  for (const shape of filters)
    for (const rate of rates) {
      it(`spreads a [${shape.join(', ')}] filter by ${rate.join('x')}, and routes its gradient back to the taps`, async () => {
        const kv = floats(
          shape.reduce((a, b) => a * b, 1),
          1,
        );
        const k = tensor(kv, shape);
        const spreadShape = [(shape[0] - 1) * rate[0] + 1, (shape[1] - 1) * rate[1] + 1, ...shape.slice(2)];
        const before = liveTensors();
        const spread = dilateFilter(k, rate);
        expect(spread.shape).toEqual(spreadShape);
        // Pure data movement: exact.
        expect(Array.from(await spread.data())).toEqual(dilatedReference(kv, shape, rate));
        // d sum(spread * r) / dk is r at each tap's new place.
        const r = tensor(floats(spread.size, 2), spreadShape);
        const dk = grad((t: Tensor) => dilateFilter(t, rate).mul(r).sum())(k);
        const rv = await r.data();
        const inner = shape.slice(2).reduce((a, b) => a * b, 1);
        const atTaps = Array.from(kv, (_, n) => {
          const tap = Math.floor(n / inner);
          const [i, j] = [Math.floor(tap / shape[1]), tap % shape[1]];
          return rv[(i * rate[0] * spreadShape[1] + j * rate[1]) * inner + (n % inner)];
        });
        expect(Array.from(await dk.data())).toEqual(atTaps);
        // Nothing to spread (rates of 1, or only along axes of one tap) returns the filter itself.
        const moves = (rate[0] > 1 && shape[0] > 1) || (rate[1] > 1 && shape[1] > 1);
        expect(spread === k).toBe(!moves);
        for (const t of moves ? [spread, r, dk] : [r, dk]) t.dispose();
        const after = liveTensors();
        expect([after.tensors, after.dataIds]).toEqual([before.tensors, before.dataIds]);
        k.dispose();
      });
    }

  for (const c of grid) {
    it(`conv2d with the dilated filter is the dilated convolution, gradients included: ${label(c)}`, async () => {
      const outChannels = 3;
      const { oh, ow } = windowGeometry(c);
      const x = floats(c.batch * c.height * c.width * c.channels, 3);
      const k = floats(c.kernel[0] * c.kernel[1] * c.channels * outChannels, 4);
      const dy = floats(c.batch * oh * ow * outChannels, 5);
      const ref = windowedConvReference(c, 'conv', outChannels, x, k, dy);
      await checkOp({
        // tidy: the spread filter is the test's intermediate, not a leak of the op (checked above).
        op: (xt, kt) => tidy(() => conv2d(xt as Tensor4D, dilateFilter(kt, c.dilation) as Tensor4D, c.strides, c.pad)),
        inputs: [
          { values: x, shape: [c.batch, c.height, c.width, c.channels] },
          { values: k, shape: [...c.kernel, c.channels, outChannels] },
        ],
        dy,
        expected: { shape: ref.shape, y: ref.y, grads: [ref.dx, ref.dk] },
        backend,
        scale: 10,
      });
    });
  }

  // Why the op exists: tfjs computes a dilated conv2d forward, but its gradient refuses the dilation.
  it("matches tfjs's dilated conv2d forward, which tfjs cannot differentiate", async () => {
    const x = tensor(floats(2 * 7 * 6 * 2, 6), [2, 7, 6, 2]) as Tensor4D;
    const k = tensor(floats(3 * 2 * 2 * 3, 7), [3, 2, 2, 3]) as Tensor4D;
    const ours = conv2d(x, dilateFilter(k, [2, 2]) as Tensor4D, 1, 'same');
    const stock = conv2d(x, k, 1, 'same', 'NHWC', 2);
    expectClose(await ours.data(), await stock.data(), backend, 10);
    expect(() => grad((t: Tensor) => conv2d(t as Tensor4D, k, 1, 'same', 'NHWC', 2).sum())(x)).toThrow(
      "Error in gradient of conv2D: dilation rates greater than 1 are not yet supported in gradients. Got dilations '2'",
    );
    for (const t of [x, k, ours, stock]) t.dispose();
  });

  it('explains bad arguments', () => {
    const k = tensor([1, 2, 3]);
    expect(() => dilateFilter(k, [2, 2])).toThrow(
      'dilateFilter: the filter needs at least 2 axes [height, width, ...]. Received shape [3].',
    );
    const k2 = k.reshape([3, 1]);
    expect(() => dilateFilter(k2, [0, 2])).toThrow(
      'dilateFilter: the dilation rates must be positive integers, e.g. [2, 2]. Received: dh=0.',
    );
    // Rates of 1 give the filter itself, no copy.
    expect(dilateFilter(k2, [1, 1])).toBe(k2);
    k.dispose();
    k2.dispose();
  });

  it('refuses a dilation whose filter would not fit in 256 MB, before making it', () => {
    const k = zeros([3, 3, 64, 64]);
    const before = liveTensors().tensors;
    expect(() => dilateFilter(k, [20000, 1])).toThrow(
      'dilateFilter: the dilated filter would be [40001, 3, 64, 64], 4.92e+8 values; at most 67108864 (256 MB) are allowed.',
    );
    expect(() => dilateFilter(k, [2 ** 31, 2 ** 31])).toThrow('Lower the dilation rate.');
    expect(liveTensors().tensors).toBe(before);
    k.dispose();
  });
});
