import { ones, tensor4d, useBackend } from '@neurite/core';
import { SeparableConv2D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(SeparableConv2D, {
  config: { filters: 3, kernelSize: 3, activation: 'relu' },
  inputShape: [2, 5, 5, 2],
});
await describeLayer(SeparableConv2D, {
  config: { filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same', depthMultiplier: 2, activation: 'tanh' },
  inputShape: [1, 5, 6, 2],
  title: 'strided, same padding, depthMultiplier 2',
});
await describeLayer(SeparableConv2D, {
  config: { filters: 2, kernelSize: 2, dilationRate: 2, useBias: false },
  inputShape: [1, 5, 5, 2],
  title: 'dilated',
});

describe('SeparableConv2D', () => {
  it('names and shapes its weights as Keras does', () => {
    const s = new SeparableConv2D({ filters: 7, kernelSize: 3, depthMultiplier: 2, name: 's' });
    expect(s.planWeights([null, 8, 8, 3]).map((w) => `${w.path} [${w.shape}]`)).toEqual([
      's/depthwiseKernel [3,3,3,2]',
      's/pointwiseKernel [1,1,6,7]',
      's/bias [7]',
    ]);
    expect(s.outputShapeFor([null, 8, 8, 3])).toEqual([null, 6, 6, 7]);
  });

  it('sums each channel over a 3x3 window, then the channels', async () => {
    await useBackend('cpu');
    const s = new SeparableConv2D({
      filters: 2,
      kernelSize: 3,
      depthwiseInitializer: 'ones',
      pointwiseInitializer: 'ones',
      biasInitializer: { className: 'constant', config: { value: 1 } },
    });
    // Channel 0 holds ones, channel 1 twos: 9 + 18 + 1 for each filter.
    const x = tensor4d(
      Array.from({ length: 18 }, (_, i) => (i % 2) + 1),
      [1, 3, 3, 2],
    );
    expect(Array.from(await s.apply(x).data())).toEqual([28, 28]);
  });

  it('mixes the depthwise outputs (channel * depthMultiplier + m) with the pointwise kernel', async () => {
    await useBackend('cpu');
    const s = new SeparableConv2D({ filters: 1, kernelSize: 1, depthMultiplier: 2, useBias: false });
    s.ensureBuilt([null, 1, 1, 2]);
    // Depthwise: channel 0 -> [1, 2], channel 1 -> [3, 4]; pointwise weighs those four by 1, 10, 100, 1000.
    s.setWeightValues([
      [1, 2, 3, 4],
      [1, 10, 100, 1000],
    ]);
    const y = s.apply(tensor4d([1, 2], [1, 1, 1, 2]));
    expect(Array.from(await y.data())).toEqual([1 * 1 + 2 * 10 + 6 * 100 + 8 * 1000]);
  });

  it('explains bad configs and inputs', async () => {
    await useBackend('cpu');
    expect(() => new SeparableConv2D({ filters: 0, kernelSize: 3 })).toThrow(
      'SeparableConv2D: filters must be a positive integer. Received: filters=0.',
    );
    expect(() => new SeparableConv2D({ filters: 1, kernelSize: 3, depthMultiplier: 1.5 })).toThrow(
      'SeparableConv2D: depthMultiplier must be a positive integer. Received: depthMultiplier=1.5.',
    );
    expect(() => new SeparableConv2D({ filters: 1, kernelSize: 3, padding: 'causal' as never })).toThrow(
      "SeparableConv2D: padding must be one of 'same', 'valid'. Received: padding='causal'.",
    );
    expect(() => new SeparableConv2D({ filters: 1, kernelSize: 3, strides: [1, 2], dilationRate: [2, 1] })).toThrow(
      'SeparableConv2D: strides and dilationRate cannot both exceed 1. Received: strides=[1,2], dilationRate=[2,1].',
    );
    const s = new SeparableConv2D({ filters: 1, kernelSize: 3, name: 's1' });
    expect(() => s.apply(ones([1, 2, 2, 1]))).toThrow(
      "SeparableConv2D 's1': a 3x3 kernel with padding 'valid' does not fit an input of 2x2. Received shape [1, 2, 2, 1]. " +
        "Use padding 'same' or a smaller kernel.",
    );
  });
});
