import { grad, liveTensors, maxPool, type Tensor4D, tensor4d } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { convGeometry, floats, maxPoolGradReference, type PoolCase } from '../../test/reference.js';

const grid: PoolCase[] = [];
for (const stride of [1, 2])
  for (const pad of ['same', 'valid'] as const)
    for (const channels of [1, 3])
      for (const pool of [2, 3]) grid.push({ batch: 2, height: 7, width: 6, channels, pool, stride, pad });

await describeBackends('MaxPoolGrad', (backend) => {
  for (const c of grid) {
    it(`matches the reference: x[${c.batch},${c.height},${c.width},${c.channels}] pool ${c.pool} s${c.stride} ${c.pad}`, async () => {
      const g = convGeometry({ ...c, inChannels: c.channels, outChannels: c.channels, kernel: [c.pool, c.pool] });
      const xv = floats(c.batch * c.height * c.width * c.channels, 3);
      const dyv = floats(c.batch * g.oh * g.ow * c.channels, 4);
      const x = tensor4d(xv, [c.batch, c.height, c.width, c.channels]);
      const dy = tensor4d(dyv, [c.batch, g.oh, g.ow, c.channels]);
      const before = liveTensors();
      const dx = grad((t) => maxPool(t as Tensor4D, c.pool, c.stride, c.pad).mul(dy))(x);
      expectClose(await dx.data(), maxPoolGradReference(c, xv, dyv), backend);
      dx.dispose();
      expect(liveTensors()).toEqual(before);
      x.dispose();
      dy.dispose();
    });
  }

  it('routes the gradient of an all-negative window (tfjs 4.22 wasm drops it)', async () => {
    const x = tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
    const dx = grad((t) => maxPool(t as Tensor4D, 2, 2, 'valid').mul(5))(x);
    expect(Array.from(await dx.data())).toEqual([0, 5, 0, 0]);
  });
});
