import { conv2d, engine, liveTensors, type Tensor, tensor4d, useBackend } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { describe, expect, it } from 'vitest';
import {
  type ConvCase,
  conv2dFilterGradReference,
  conv2dInputGradReference,
  conv2dReference,
  convGeometry,
  convGrid,
} from '../../test/reference.js';

// wasm's Conv2D runs on Neurite's matrix product (im2col, then P x W); the same grid on every backend.
const grid: ConvCase[] = convGrid();
// 1x1 with 'same' reads X as P directly; a stride that leaves rows unread; a filter as large as the image.
grid.push({ batch: 2, height: 6, width: 5, inChannels: 16, outChannels: 33, kernel: [1, 1], stride: 1, pad: 'same' });
grid.push({ batch: 3, height: 10, width: 11, inChannels: 2, outChannels: 40, kernel: [3, 3], stride: 3, pad: 'valid' });
grid.push({ batch: 2, height: 4, width: 4, inChannels: 3, outChannels: 17, kernel: [4, 4], stride: 1, pad: 'valid' });
// One-channel first layers (wasm's register-tiled kernel where co is a multiple of 8): rows of 7 and 12
// positions against groups of 4 and 6, 8 to 48 channels, filters wider than tall and 1x1.
for (const [kernel, outChannels, width] of [
  [[3, 3], 32, 9],
  [[2, 5], 8, 16],
  [[1, 1], 16, 7],
  [[4, 4], 24, 10],
  [[3, 3], 48, 14],
] as const)
  grid.push({ batch: 3, height: 8, width, inChannels: 1, outChannels, kernel: [...kernel], stride: 1, pad: 'valid' });
// conv2 of the MNIST CNN at a small batch: 288 deep, 64 wide.
grid.push({
  batch: 2,
  height: 13,
  width: 13,
  inChannels: 32,
  outChannels: 64,
  kernel: [3, 3],
  stride: 1,
  pad: 'valid',
});

// Numeric padding, as wide as the filter and wider: whole windows of zeros at the edges.
const padded: ConvCase[] = [
  { batch: 2, height: 4, width: 4, inChannels: 16, outChannels: 8, kernel: [1, 1], stride: 1, pad: 2 },
  { batch: 1, height: 5, width: 3, inChannels: 6, outChannels: 5, kernel: [3, 3], stride: 1, pad: 4 },
  { batch: 2, height: 6, width: 6, inChannels: 1, outChannels: 16, kernel: [3, 3], stride: 1, pad: 3 },
];
grid.push(...padded);

const label = (c: ConvCase) =>
  `x[${c.batch},${c.height},${c.width},${c.inChannels}] k${c.kernel.join('x')}->${c.outChannels} s${c.stride} ${c.pad}`;

await describeBackends('Conv2D', (backend) => {
  for (const c of grid) {
    it(`matches the float64 reference: ${label(c)}`, async () => {
      const xv = floats(c.batch * c.height * c.width * c.inChannels, 11);
      const wv = floats(c.kernel[0] * c.kernel[1] * c.inChannels * c.outChannels, 12);
      const x = tensor4d(xv, [c.batch, c.height, c.width, c.inChannels]);
      const w = tensor4d(wv, [...c.kernel, c.inChannels, c.outChannels]);
      const before = liveTensors();
      const y = conv2d(x, w, c.stride, c.pad);
      const { oh, ow } = convGeometry(c);
      expect(y.shape).toEqual([c.batch, oh, ow, c.outChannels]);
      // Sums of up to 5*5*32 products of values in [-1, 1): scale the tolerance with that count.
      expectClose(await y.data(), conv2dReference(c, xv, wv), backend, 10);
      y.dispose();
      const after = liveTensors();
      expect(after.tensors).toBe(before.tensors);
      expect(after.dataIds).toBe(before.dataIds);
      x.dispose();
      w.dispose();
    });
  }
});

await describeBackends('Conv2D gradients with padding wider than the filter', (backend) => {
  for (const c of padded) {
    it(`dW and dX match the float64 reference: ${label(c)}`, async () => {
      const { oh, ow } = convGeometry(c);
      const xv = floats(c.batch * c.height * c.width * c.inChannels, 21);
      const wv = floats(c.kernel[0] * c.kernel[1] * c.inChannels * c.outChannels, 22);
      const dyv = floats(c.batch * oh * ow * c.outChannels, 23);
      const x = tensor4d(xv, [c.batch, c.height, c.width, c.inChannels]);
      const w = tensor4d(wv, [...c.kernel, c.inChannels, c.outChannels]);
      const dy = tensor4d(dyv, [c.batch, oh, ow, c.outChannels]);
      const attrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC' };
      const run = (name: string, inputs: Record<string, Tensor>, more: Record<string, unknown>) =>
        engine().runKernel(name, inputs, { ...attrs, ...more } as never) as Tensor;
      const dw = run('Conv2DBackpropFilter', { x, dy }, { filterShape: w.shape });
      expectClose(await dw.data(), conv2dFilterGradReference(c, xv, dyv), backend, 10);
      const dx = run('Conv2DBackpropInput', { dy, filter: w }, { inputShape: x.shape });
      expectClose(await dx.data(), conv2dInputGradReference(c, dyv, wv), backend, 10);
      for (const t of [x, w, dy, dw, dx]) t.dispose();
    });
  }
});

describe('wasm convolutions that tfjs gives no output positions', () => {
  it("leave a filter larger than a 'valid' window to tfjs, and the backend working", async () => {
    await useBackend('wasm');
    const x = tensor4d(floats(16, 31), [1, 4, 4, 1]);
    for (const channels of [1, 16]) {
      const xc = tensor4d(floats(16 * channels, 32), [1, 4, 4, channels]);
      const w = tensor4d(floats(36 * channels * 8, 33), [6, 6, channels, 8]);
      try {
        conv2d(xc, w, 1, 'valid').dispose();
      } catch {
        // tfjs may refuse it; what matters is that nothing past the tensors was written.
      }
      for (const t of [xc, w]) t.dispose();
    }
    // The heap is intact: a convolution after it is still right.
    const w = tensor4d(floats(9 * 8, 34), [3, 3, 1, 8]);
    const c: ConvCase = {
      batch: 1,
      height: 4,
      width: 4,
      inChannels: 1,
      outChannels: 8,
      kernel: [3, 3],
      stride: 1,
      pad: 'valid',
    };
    expectClose(
      await conv2d(x, w, 1, 'valid').data(),
      conv2dReference(c, (await x.data()) as Float32Array, (await w.data()) as Float32Array),
      'wasm',
      10,
    );
    for (const t of [x, w]) t.dispose();
  });

  it('refuses a dy or filter that does not fit the input, saying which', async () => {
    await useBackend('wasm');
    const x = tensor4d(floats(2 * 6 * 6 * 3, 35), [2, 6, 6, 3]);
    const dy = tensor4d(floats(1 * 4 * 4 * 8, 36), [1, 4, 4, 8]);
    const w = tensor4d(floats(9 * 3 * 8, 37), [3, 3, 3, 8]);
    const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' };
    expect(() =>
      engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 3, 8] } as never),
    ).toThrow(/dy must have shape \[2, 4, 4, 8\]/);
    expect(() =>
      engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: [2, 6, 6, 3] } as never),
    ).toThrow(/dy must have shape \[2, 4, 4, 8\]/);
    const w4 = tensor4d(floats(9 * 4 * 8, 38), [3, 3, 4, 8]);
    const dy2 = tensor4d(floats(2 * 4 * 4 * 8, 39), [2, 4, 4, 8]);
    expect(() =>
      engine().runKernel('Conv2DBackpropInput', { dy: dy2, filter: w4 }, {
        ...attrs,
        inputShape: [2, 6, 6, 3],
      } as never),
    ).toThrow(/filter 3 input channels/);
    for (const t of [x, dy, w, w4, dy2]) t.dispose();
  });
});

describe('wasm convolutions on batches whose patches pass 32 MiB (a slice of images at a time)', () => {
  // 60 images of 32x32x16 under a 3x3 filter: 147,456 patch floats an image, so 56 fit in one slice.
  const c: ConvCase = {
    batch: 60,
    height: 32,
    width: 32,
    inChannels: 16,
    outChannels: 4,
    kernel: [3, 3],
    stride: 1,
    pad: 'same',
  };
  const run = (name: string, inputs: Record<string, Tensor>, attrs: Record<string, unknown>) =>
    engine().runKernel(name, inputs, attrs as never) as Tensor;

  it('Conv2D, Conv2DBackpropFilter and Conv2DBackpropInput match the float64 reference', async () => {
    await useBackend('wasm');
    const xv = floats(c.batch * c.height * c.width * c.inChannels, 13);
    const wv = floats(3 * 3 * c.inChannels * c.outChannels, 14);
    const dyv = floats(c.batch * c.height * c.width * c.outChannels, 15);
    const x = tensor4d(xv, [c.batch, c.height, c.width, c.inChannels]);
    const w = tensor4d(wv, [3, 3, c.inChannels, c.outChannels]);
    const dy = tensor4d(dyv, [c.batch, c.height, c.width, c.outChannels]);
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
    const y = run('Conv2D', { x, filter: w }, attrs);
    expectClose(await y.data(), conv2dReference(c, xv, wv), 'wasm', 10);
    const dw = run('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, c.inChannels, c.outChannels] });
    // dW sums 60*32*32 products: float32's rounding grows with the count.
    expectClose(await dw.data(), conv2dFilterGradReference(c, xv, dyv), 'wasm', 200);
    const dx = run('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape });
    expectClose(await dx.data(), conv2dInputGradReference(c, dyv, wv), 'wasm', 10);
    for (const t of [x, w, dy, y, dw, dx]) t.dispose();
  });
});
