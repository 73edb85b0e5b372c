import { engine, liveTensors, type Tensor, tensor4d } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { type ConvCase, conv2dInputGradReference, convGeometry } from '../../test/reference.js';

// The same grid as the filter gradient: stride 1 and 2, same and valid, 1/3/32 input channels, batch 1 and 7.
const grid: ConvCase[] = [];
for (const stride of [1, 2])
  for (const pad of ['same', 'valid'] as const)
    for (const inChannels of [1, 3, 32])
      for (const batch of [1, 7])
        grid.push({ batch, height: 9, width: 8, inChannels, outChannels: 5, kernel: [3, 3], stride, pad });
grid.push({ batch: 2, height: 7, width: 10, inChannels: 4, outChannels: 3, kernel: [2, 5], stride: 2, pad: 'valid' });
grid.push({ batch: 2, height: 6, width: 6, inChannels: 2, outChannels: 4, kernel: [5, 3], stride: 2, pad: 'same' });
grid.push({ batch: 3, height: 5, width: 5, inChannels: 6, outChannels: 2, kernel: [1, 1], stride: 1, pad: 'valid' });

await describeBackends('Conv2DBackpropInput', (backend) => {
  for (const c of grid) {
    const label = `x[${c.batch},${c.height},${c.width},${c.inChannels}] k${c.kernel.join('x')}->${c.outChannels} s${c.stride} ${c.pad}`;
    it(`matches the float64 reference: ${label}`, async () => {
      const { oh, ow } = convGeometry(c);
      const dyv = floats(c.batch * oh * ow * c.outChannels, 5);
      const wv = floats(c.kernel[0] * c.kernel[1] * c.inChannels * c.outChannels, 6);
      const dy = tensor4d(dyv, [c.batch, oh, ow, c.outChannels]);
      const w = tensor4d(wv, [...c.kernel, c.inChannels, c.outChannels]);
      const before = liveTensors();
      const dx = engine().runKernel(
        'Conv2DBackpropInput',
        { dy, filter: w },
        {
          strides: [c.stride, c.stride],
          pad: c.pad,
          dataFormat: 'NHWC',
          inputShape: [c.batch, c.height, c.width, c.inChannels],
        },
      ) as Tensor;
      expect(dx.shape).toEqual([c.batch, c.height, c.width, c.inChannels]);
      expectClose(await dx.data(), conv2dInputGradReference(c, dyv, wv), backend, 10);
      dx.dispose();
      expect(liveTensors()).toEqual(before);
      dy.dispose();
      w.dispose();
    });
  }
});
