import { getKernel, grads, ones, type Tensor, tensor, tensor4d, useBackend, variableGrads } from '@neurite/core';
import { expectClose, floats } from '@neurite/core/testing';
import { DepthwiseConv2D, type DepthwiseConv2DConfig } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(DepthwiseConv2D, { config: { kernelSize: 3, activation: 'relu' }, inputShape: [2, 5, 5, 2] });
await describeLayer(DepthwiseConv2D, {
  config: { kernelSize: [2, 3], strides: 2, padding: 'same', depthMultiplier: 2 },
  inputShape: [1, 5, 6, 2],
  title: 'strided, same padding, depthMultiplier 2',
});
await describeLayer(DepthwiseConv2D, {
  config: { kernelSize: 3, strides: [2, 1] },
  inputShape: [1, 6, 4, 2],
  title: 'strided, valid padding',
});
await describeLayer(DepthwiseConv2D, {
  config: { kernelSize: 2, dilationRate: 2, depthMultiplier: 2, padding: 'same', useBias: false },
  inputShape: [1, 5, 5, 2],
  title: 'dilated, same padding',
});

describe('DepthwiseConv2D', () => {
  it('names and shapes its weights as Keras does', () => {
    const dw = new DepthwiseConv2D({ kernelSize: [3, 2], depthMultiplier: 4, name: 'dw' });
    expect(dw.planWeights([null, 8, 8, 3]).map((w) => `${w.path} [${w.shape}]`)).toEqual([
      'dw/depthwiseKernel [3,2,3,4]',
      'dw/bias [12]',
    ]);
    expect(dw.outputShapeFor([null, 8, 8, 3])).toEqual([null, 6, 7, 12]);
  });

  it('sums a 3x3 window of ones per channel, channel by channel', async () => {
    await useBackend('cpu');
    const dw = new DepthwiseConv2D({
      kernelSize: 3,
      depthwiseInitializer: 'ones',
      biasInitializer: { className: 'constant', config: { value: 1 } },
    });
    // Channel 0 holds ones, channel 1 twos: 9 + 1 and 18 + 1.
    const x = tensor4d(
      Array.from({ length: 18 }, (_, i) => (i % 2) + 1),
      [1, 3, 3, 2],
    );
    expect(Array.from(await dw.apply(x).data())).toEqual([10, 19]);
  });

  it('orders output channels as channel * depthMultiplier + m', async () => {
    await useBackend('cpu');
    const dw = new DepthwiseConv2D({ kernelSize: 1, depthMultiplier: 2, useBias: false });
    dw.ensureBuilt([null, 1, 1, 2]);
    // depthwiseKernel [1, 1, 2, 2]: channel 0's filters 1, 2; channel 1's filters 3, 4.
    dw.setWeightValues([[1, 2, 3, 4]]);
    expect(Array.from(await dw.apply(tensor4d([10, 100], [1, 1, 1, 2])).data())).toEqual([10, 20, 300, 400]);
  });

  it('dilates: a 2x2 kernel at rate 2 reads the corners of a 3x3 window', async () => {
    await useBackend('cpu');
    const dw = new DepthwiseConv2D({ kernelSize: 2, dilationRate: 2, depthwiseInitializer: 'ones', useBias: false });
    const x = tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    expect(Array.from(await dw.apply(x).data())).toEqual([1 + 3 + 7 + 9]);
  });

  // tfjs 4.22's wasm backend has no DepthwiseConv2dNativeBackpropInput/Filter: there the layer takes its
  // gradient from other ops. It must agree with cpu's stock gradient kernels on awkward shapes.
  const awkward: [string, DepthwiseConv2DConfig, number[]][] = [
    [
      'strides [2, 3], same, multiplier 3',
      { kernelSize: [3, 2], strides: [2, 3], padding: 'same', depthMultiplier: 3 },
      [2, 7, 8, 2],
    ],
    ['strides 2, valid, even kernel', { kernelSize: 4, strides: 2 }, [1, 9, 6, 3]],
    ['dilated 3, same', { kernelSize: 3, dilationRate: [3, 1], padding: 'same', depthMultiplier: 2 }, [1, 6, 5, 2]],
  ];
  const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  for (const [title, config, shape] of awkward) {
    it(`differentiates on wasm as cpu does (${title})`, async () => {
      const run = async (backend: string) => {
        await useBackend(backend);
        const dw = new DepthwiseConv2D({ ...config });
        dw.ensureBuilt([null, ...shape.slice(1)]);
        dw.setWeightValues(dw.weights.map((w, i) => floats(w.variable.size, 11 + i)));
        const x = tensor(floats(count(shape), 3), shape);
        const outShape = dw.outputShapeFor(shape) as number[];
        const r = tensor(floats(count(outShape), 5), outShape);
        const kernel = dw.weight('depthwiseKernel');
        const [dx] = grads((xx: Tensor) => dw.apply(xx).mul(r).sum())([x]);
        const { value, grads: g } = variableGrads(() => dw.apply(x).mul(r).sum() as never, [kernel]);
        const out = { dx: Array.from(await dx.data()), dk: Array.from(await g[kernel.name].data()) };
        for (const t of [x, r, dx, value, g[kernel.name]]) t.dispose();
        dw.dispose();
        return out;
      };
      // Else this test no longer exercises the workaround: core's depthwiseConvolve could then drop it.
      expect(getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm'), 'wasm gained the kernel').toBeUndefined();
      const wasm = await run('wasm');
      const cpu = await run('cpu');
      expectClose(wasm.dx, cpu.dx, 'wasm', 10);
      expectClose(wasm.dk, cpu.dk, 'wasm', 10);
    });
  }

  it('explains bad configs and inputs', async () => {
    await useBackend('cpu');
    expect(() => new DepthwiseConv2D({ kernelSize: [3] as never })).toThrow(
      'DepthwiseConv2D: kernelSize must be a positive integer or a pair of them, e.g. 3 or [3, 3]. Received: kernelSize=[3].',
    );
    expect(() => new DepthwiseConv2D({} as never)).toThrow(
      'DepthwiseConv2D: kernelSize must be a positive integer or a pair of them, e.g. 3 or [3, 3]. Received: kernelSize=undefined.',
    );
    expect(() => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 0 })).toThrow(
      'DepthwiseConv2D: depthMultiplier must be a positive integer. Received: depthMultiplier=0.',
    );
    expect(() => new DepthwiseConv2D({ kernelSize: 3, padding: 'causal' as never })).toThrow(
      "DepthwiseConv2D: padding must be one of 'same', 'valid'. Received: padding='causal'.",
    );
    expect(() => new DepthwiseConv2D({ kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(
      'DepthwiseConv2D: strides and dilationRate cannot both exceed 1. Received: strides=2, dilationRate=2.',
    );
    expect(() => new DepthwiseConv2D({ kernelSize: 3, activation: 'nope' as never })).toThrow();
    const dw = new DepthwiseConv2D({ kernelSize: 3, dilationRate: 2, name: 'dw1' });
    expect(() => dw.apply(ones([5, 5, 1]))).toThrow(
      "DepthwiseConv2D 'dw1' expects a rank-4 input [batch, height, width, channels]. Received shape [5, 5, 1]. " +
        'Add a batch dimension, e.g. x.reshape([1, 5, 5, 1]).',
    );
    expect(() => dw.apply(ones([1, 4, 4, 1]))).toThrow(
      "DepthwiseConv2D 'dw1': a 3x3 kernel dilated by 2x2 with padding 'valid' does not fit an input of 4x4.",
    );
  });
});
