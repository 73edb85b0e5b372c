import { engine, liveTensors, type Tensor, tensor4d } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { type ConvCase, conv2dFilterGradReference, convGeometry, convGrid } from '../../test/reference.js';

// The grid the issue asks for: stride 1 and 2, same and valid, 1/3/32 input channels, batch 1 and 7.
const grid: ConvCase[] = convGrid();
// The wasm kernel takes a matrix product when 2*kh*kw*ci <= co and a dilated conv otherwise: these reach
// the product on both paddings and strides 1 to 3 (taps off both sides, rows left unread), up to its
// boundary (9 -> 18, 25 -> 50) and just past it (18 -> 35).
for (const stride of [1, 2])
  for (const pad of ['same', 'valid'] as const)
    grid.push({ batch: 3, height: 9, width: 8, inChannels: 1, outChannels: 20, kernel: [3, 3], stride, pad });
grid.push({ batch: 2, height: 9, width: 7, inChannels: 1, outChannels: 18, kernel: [3, 3], stride: 1, pad: 'same' });
grid.push({ batch: 2, height: 9, width: 7, inChannels: 1, outChannels: 50, kernel: [5, 5], stride: 1, pad: 'same' });
grid.push({ batch: 2, height: 6, width: 5, inChannels: 16, outChannels: 32, kernel: [1, 1], stride: 1, pad: 'valid' });
grid.push({ batch: 2, height: 5, width: 9, inChannels: 1, outChannels: 16, kernel: [1, 7], stride: 2, pad: 'same' });
grid.push({ batch: 3, height: 10, width: 11, inChannels: 2, outChannels: 40, kernel: [3, 3], stride: 3, pad: 'valid' });
grid.push({ batch: 2, height: 8, width: 8, inChannels: 2, outChannels: 35, kernel: [3, 3], stride: 1, pad: 'same' });

// wasm's SIMD kernels take one-channel inputs with stride 1, valid padding and co a multiple of 4 (the
// first layer of a CNN on grey images): square, wide and 1x1 kernels, one image and several.
for (const [kernel, outChannels, batch] of [
  [[3, 3], 32, 7],
  [[3, 3], 4, 1],
  [[2, 5], 8, 3],
  [[1, 1], 12, 2],
  // The register-tiled kernel (8 channels at a time): filter widths past a group of 3 taps.
  [[1, 5], 16, 2],
  [[2, 2], 24, 2],
  [[4, 4], 48, 3],
] as const)
  grid.push({ batch, height: 12, width: 10, inChannels: 1, outChannels, kernel: [...kernel], stride: 1, pad: 'valid' });

function name(c: ConvCase): string {
  return `x[${c.batch},${c.height},${c.width},${c.inChannels}] k${c.kernel.join('x')}->${c.outChannels} s${c.stride} ${c.pad}`;
}

await describeBackends('Conv2DBackpropFilter', (backend) => {
  for (const c of grid) {
    it(`matches the float64 reference: ${name(c)}`, async () => {
      const { oh, ow } = convGeometry(c);
      const xv = floats(c.batch * c.height * c.width * c.inChannels, 1);
      const dyv = floats(c.batch * oh * ow * c.outChannels, 2);
      const expected = conv2dFilterGradReference(c, xv, dyv);
      const x = tensor4d(xv, [c.batch, c.height, c.width, c.inChannels]);
      const dy = tensor4d(dyv, [c.batch, oh, ow, c.outChannels]);
      const before = liveTensors();
      const dw = engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        {
          strides: [c.stride, c.stride],
          pad: c.pad,
          dataFormat: 'NHWC',
          filterShape: [...c.kernel, c.inChannels, c.outChannels],
        },
      ) as Tensor;
      expect(dw.shape).toEqual([...c.kernel, c.inChannels, c.outChannels]);
      // Sums run over up to 7*9*8 products of values in [-1, 1): scale the tolerance with that count.
      expectClose(await dw.data(), expected, backend, 10);
      dw.dispose();
      const after = liveTensors();
      expect(after.tensors).toBe(before.tensors);
      expect(after.dataIds).toBe(before.dataIds);
      x.dispose();
      dy.dispose();
    });
  }
});
