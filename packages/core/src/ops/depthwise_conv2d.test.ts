import { depthwiseConv2d, depthwiseConvolve, getKernel, grad, type Tensor, type Tensor4D, tensor } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { checkOp } from '../../test/check_op.js';
import { type WindowCase, windowedConvReference, windowGeometry } from '../../test/reference.js';

interface DepthwiseCase extends WindowCase {
  multiplier: number;
}

// Multiplier 1 and 2, strides 1 and 2, 'same' and 'valid', dilation 1 and 2, on odd sizes; then uneven
// strides and kernels, and strides with dilation together (tfjs's depthwiseConv2d refuses that pair).
const grid: DepthwiseCase[] = [];
for (const multiplier of [1, 2])
  for (const s of [1, 2])
    for (const pad of ['same', 'valid'] as const)
      for (const d of [1, 2])
        grid.push({
          batch: 2,
          height: 7,
          width: 6,
          channels: 2,
          kernel: [3, 2],
          strides: [s, s],
          dilation: [d, d],
          pad,
          multiplier,
        });
grid.push({
  batch: 1,
  height: 8,
  width: 5,
  channels: 3,
  kernel: [2, 3],
  strides: [2, 1],
  dilation: [1, 1],
  pad: 'same',
  multiplier: 3,
});
grid.push({
  batch: 1,
  height: 9,
  width: 7,
  channels: 1,
  kernel: [4, 2],
  strides: [2, 3],
  dilation: [1, 1],
  pad: 'valid',
  multiplier: 1,
});
grid.push({
  batch: 1,
  height: 7,
  width: 7,
  channels: 2,
  kernel: [3, 3],
  strides: [2, 2],
  dilation: [2, 1],
  pad: 'same',
  multiplier: 2,
});

function label(c: DepthwiseCase): string {
  return `x[${c.batch},${c.height},${c.width},${c.channels}] k${c.kernel.join('x')}x${c.multiplier} s${c.strides.join('x')} d${c.dilation.join('x')} ${c.pad}`;
}

await describeBackends('depthwiseConvolve', (backend) => {
  for (const c of grid) {
    it(`is the depthwise convolution by definition, gradients included: ${label(c)}`, async () => {
      const { oh, ow } = windowGeometry(c);
      const x = floats(c.batch * c.height * c.width * c.channels, 1);
      const k = floats(c.kernel[0] * c.kernel[1] * c.channels * c.multiplier, 2);
      const dy = floats(c.batch * oh * ow * c.channels * c.multiplier, 3);
      const ref = windowedConvReference(c, 'depthwise', c.multiplier, x, k, dy);
      await checkOp({
        op: (xt, kt) => depthwiseConvolve(xt, kt, { strides: c.strides, padding: c.pad, dilationRate: c.dilation }),
        inputs: [
          { values: x, shape: [c.batch, c.height, c.width, c.channels] },
          { values: k, shape: [...c.kernel, c.channels, c.multiplier] },
        ],
        dy,
        expected: { shape: ref.shape, y: ref.y, grads: [ref.dx, ref.dk] },
        backend,
        scale: 10,
      });
    });
  }

  // Why the op exists: tfjs's own depthwiseConv2d gradient refuses dilation everywhere, and on wasm has
  // no kernels at all (there depthwiseConvolve builds the backward pass from other ops; the grid above
  // checks that path on wasm and tfjs's kernels on cpu and webgpu).
  it("matches tfjs's depthwiseConv2d forward where tfjs cannot differentiate it", async () => {
    const x = tensor(floats(2 * 7 * 6 * 2, 4), [2, 7, 6, 2]) as Tensor4D;
    const k = tensor(floats(3 * 2 * 2 * 2, 5), [3, 2, 2, 2]) as Tensor4D;
    const stock = depthwiseConv2d(x, k, 1, 'same', 'NHWC', 2);
    expectClose(
      await depthwiseConvolve(x, k, { padding: 'same', dilationRate: 2 }).data(),
      await stock.data(),
      backend,
    );
    expect(() => grad((t: Tensor) => depthwiseConv2d(t as Tensor4D, k, 1, 'same', 'NHWC', 2).sum())(x)).toThrow(
      "Error in gradient of depthwiseConv2dNative: dilation rates greater than 1 are not yet supported. Got dilations '2'",
    );
    const undilated = () => grad((t: Tensor) => depthwiseConv2d(t as Tensor4D, k, 1, 'same').sum())(x);
    if (backend === 'wasm') {
      expect(getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeUndefined();
      expect(undilated).toThrow("Kernel 'DepthwiseConv2dNativeBackpropInput' not registered for backend 'wasm'");
    } else {
      expect(undilated).not.toThrow();
    }
  });

  it('explains bad options', () => {
    const x = tensor(floats(9, 6), [1, 3, 3, 1]);
    const k = tensor(floats(4, 7), [2, 2, 1, 1]);
    expect(() => depthwiseConvolve(x, k, { strides: [2, 0] })).toThrow(
      'depthwiseConvolve: strides must be a positive integer or a pair of them, e.g. 2 or [2, 2]. Received: strides=[2,0].',
    );
    expect(() => depthwiseConvolve(x, k, { dilationRate: 0 })).toThrow(
      'depthwiseConvolve: dilationRate must be a positive integer or a pair of them, e.g. 2 or [2, 2]. Received: dilationRate=0.',
    );
    expect(() => depthwiseConvolve(x, k, { padding: 'causal' as never })).toThrow(
      `depthwiseConvolve: padding must be 'same' or 'valid'. Received: padding="causal".`,
    );
    x.dispose();
    k.dispose();
  });
});
