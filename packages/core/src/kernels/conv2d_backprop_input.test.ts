import { engine, liveTensors, type Tensor, tensor4d } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { type ConvCase, conv2dInputGradReference, convGeometry, convGrid } from '../../test/reference.js';

// The same grid as the filter gradient: stride 1 and 2, same and valid, 1/3/32 input channels, batch 1 and 7.
const grid: ConvCase[] = convGrid();

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
