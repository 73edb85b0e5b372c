import { ones, useBackend } from '@neurite/core';
import { Conv2D, MaxPooling1D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Conv2D, { config: { filters: 3, kernelSize: 3, activation: 'relu' }, inputShape: [2, 5, 5, 2] });
await describeLayer(Conv2D, {
  config: { filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same' },
  inputShape: [1, 5, 6, 3],
  title: 'strided, same padding',
});
await describeLayer(Conv2D, {
  config: { filters: 2, kernelSize: 2, dilationRate: 2, useBias: false },
  inputShape: [1, 5, 5, 1],
  title: 'dilated',
});

describe('Conv2D', () => {
  it('sums a 3x3 window of ones', async () => {
    await useBackend('cpu');
    const c = new Conv2D({
      filters: 1,
      kernelSize: 3,
      kernelInitializer: 'ones',
      biasInitializer: { className: 'constant', config: { value: 1 } },
    });
    expect(Array.from(await c.apply(ones([1, 3, 3, 1])).data())).toEqual([10]);
  });

  it('explains bad configs and inputs', async () => {
    await useBackend('cpu');
    expect(() => new Conv2D({ filters: 0, kernelSize: 3 })).toThrow(
      'Conv2D: filters must be a positive integer. Received: filters=0.',
    );
    expect(() => new Conv2D({ filters: 1, kernelSize: [3] as never })).toThrow(
      'Conv2D: kernelSize must be a positive integer or a pair of them, e.g. 3 or [3, 3]. Received: kernelSize=[3].',
    );
    // A model file cannot make a layer allocate by its settings: no window longer than an image's side.
    expect(() => new Conv2D({ filters: 1, kernelSize: 3, dilationRate: 1e9 })).toThrow(
      'Conv2D: dilationRate must be at most 16384 along each axis. Received: dilationRate=1000000000.',
    );
    expect(() => new MaxPooling1D({ poolSize: 2 ** 31 })).toThrow(
      'MaxPooling1D: poolSize must be at most 16384. Received: poolSize=2147483648.',
    );
    expect(() => new Conv2D({ filters: 1, kernelSize: 3, padding: 'full' as never })).toThrow(
      "Conv2D: padding must be one of 'same', 'valid'. Received: padding='full'.",
    );
    expect(() => new Conv2D({ filters: 1, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(
      'Conv2D: strides and dilationRate cannot both exceed 1.',
    );
    const c = new Conv2D({ filters: 1, kernelSize: 3, name: 'c1' });
    expect(() => c.apply(ones([28, 28]))).toThrow(
      "Conv2D 'c1' expects a rank-4 input [batch, height, width, channels]. Received shape [28, 28]. " +
        'Add a batch and a channel dimension, e.g. x.reshape([1, 28, 28, 1]).',
    );
    expect(() => c.apply(ones([1, 2, 2, 1]))).toThrow(
      "Conv2D 'c1': a 3x3 kernel with padding 'valid' does not fit an input of 2x2.",
    );
  });
});
