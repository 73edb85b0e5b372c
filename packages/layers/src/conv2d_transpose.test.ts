import { ones, tensor4d, useBackend } from '@neurite/core';
import { Conv2DTranspose } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Conv2DTranspose, {
  config: { filters: 3, kernelSize: 3, activation: 'relu' },
  inputShape: [2, 3, 3, 2],
});
await describeLayer(Conv2DTranspose, {
  config: { filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same' },
  inputShape: [1, 3, 2, 3],
  title: 'strided, same padding',
});
await describeLayer(Conv2DTranspose, {
  config: { filters: 2, kernelSize: 3, strides: [2, 1] },
  inputShape: [1, 3, 2, 2],
  title: 'strided, valid padding',
});
await describeLayer(Conv2DTranspose, {
  config: { filters: 2, kernelSize: 1, strides: [2, 3], useBias: false },
  inputShape: [1, 2, 2, 2],
  title: 'kernel smaller than the strides',
});

describe('Conv2DTranspose', () => {
  it('names and shapes its weights as Keras does, and sizes its output as Keras', () => {
    const c = new Conv2DTranspose({ filters: 5, kernelSize: [3, 2], name: 't' });
    expect(c.planWeights([null, 4, 4, 3]).map((w) => `${w.path} [${w.shape}]`)).toEqual([
      't/kernel [3,2,5,3]',
      't/bias [5]',
    ]);
    expect(c.outputShapeFor([null, 4, 4, 3])).toEqual([null, 6, 5, 5]);
    const strided = (padding: 'same' | 'valid', kernelSize: number) =>
      new Conv2DTranspose({ filters: 1, kernelSize, strides: 3, padding }).outputShapeFor([null, 4, 5, 1]);
    expect(strided('same', 2)).toEqual([null, 12, 15, 1]);
    expect(strided('valid', 5)).toEqual([null, 14, 17, 1]); // (in - 1) * s + k
    expect(strided('valid', 2)).toEqual([null, 12, 15, 1]); // in * s + max(k - s, 0)
  });

  it('spreads each input pixel over a kernel of ones, overlapping', async () => {
    await useBackend('cpu');
    const c = new Conv2DTranspose({
      filters: 1,
      kernelSize: 3,
      kernelInitializer: 'ones',
      biasInitializer: { className: 'constant', config: { value: 1 } },
    });
    // A 2x2 input of ones under a 3x3 kernel: each output counts the inputs whose kernel covers it.
    expect(Array.from(await c.apply(ones([1, 2, 2, 1])).data())).toEqual(
      [1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1].map((v) => v + 1),
    );
  });

  it('places pixels strides apart, with zeros between when the kernel is smaller', async () => {
    await useBackend('cpu');
    const c = new Conv2DTranspose({ filters: 1, kernelSize: 1, strides: 2, kernelInitializer: 'ones', useBias: false });
    const y = c.apply(tensor4d([1, 2, 3, 4], [1, 2, 2, 1]));
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(Array.from(await y.data())).toEqual([1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0]);
  });

  it('reads its kernel as [kh, kw, filters, inputChannels]', async () => {
    await useBackend('cpu');
    const c = new Conv2DTranspose({ filters: 2, kernelSize: 1, useBias: false });
    c.ensureBuilt([null, 1, 1, 3]);
    // kernel[0][0][f][c]: filter 0 = [1, 2, 3], filter 1 = [4, 5, 6] over the input channels.
    c.setWeightValues([[1, 2, 3, 4, 5, 6]]);
    const y = c.apply(tensor4d([1, 10, 100], [1, 1, 1, 3]));
    expect(Array.from(await y.data())).toEqual([321, 654]);
  });

  it('explains bad configs and inputs', async () => {
    await useBackend('cpu');
    expect(() => new Conv2DTranspose({ filters: 0, kernelSize: 3 })).toThrow(
      'Conv2DTranspose: filters must be a positive integer. Received: filters=0.',
    );
    expect(() => new Conv2DTranspose({ filters: 1, kernelSize: [3, 0] })).toThrow(
      'Conv2DTranspose: kernelSize must be a positive integer or a pair of them, e.g. 3 or [3, 3]. Received: kernelSize=[3,0].',
    );
    expect(() => new Conv2DTranspose({ filters: 1, kernelSize: 3, strides: 1.5 })).toThrow(
      'Conv2DTranspose: strides must be a positive integer or a pair of them, e.g. 3 or [3, 3]. Received: strides=1.5.',
    );
    expect(() => new Conv2DTranspose({ filters: 1, kernelSize: 3, padding: 'causal' as never })).toThrow(
      "Conv2DTranspose: padding must be one of 'same', 'valid'. Received: padding='causal'.",
    );
    const c = new Conv2DTranspose({ filters: 1, kernelSize: 3, name: 't1' });
    expect(() => c.apply(ones([4, 4]))).toThrow(
      "Conv2DTranspose 't1' expects a rank-4 input [batch, height, width, channels]. Received shape [4, 4]. " +
        'Add a batch and a channel dimension, e.g. x.reshape([1, 4, 4, 1]).',
    );
  });
});
