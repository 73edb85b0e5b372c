import { ones, tensor3d, useBackend } from '@neurite/core';
import { Conv1D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Conv1D, { config: { filters: 3, kernelSize: 3, activation: 'relu' }, inputShape: [2, 6, 2] });
await describeLayer(Conv1D, {
  config: { filters: 2, kernelSize: 2, strides: 2, padding: 'same' },
  inputShape: [1, 7, 3],
  title: 'strided, same padding',
});
await describeLayer(Conv1D, {
  config: { filters: 2, kernelSize: 3, strides: 2, padding: 'causal' },
  inputShape: [1, 6, 2],
  title: 'strided, causal padding',
});
await describeLayer(Conv1D, {
  config: { filters: 2, kernelSize: [3], dilationRate: [2], padding: 'causal', useBias: false },
  inputShape: [2, 6, 2],
  title: 'dilated, causal padding',
});
await describeLayer(Conv1D, {
  config: { filters: 2, kernelSize: 2, dilationRate: 3 },
  inputShape: [1, 7, 1],
  title: 'dilated, valid padding',
});

describe('Conv1D', () => {
  const steps = () => tensor3d([1, 2, 3, 4], [1, 4, 1]);
  const sum = (config: Record<string, unknown>) =>
    new Conv1D({ filters: 1, kernelInitializer: 'ones', useBias: false, kernelSize: 3, ...config });

  it('names and shapes its weights as Keras does', () => {
    const c = new Conv1D({ filters: 5, kernelSize: 3, name: 'c' });
    expect(c.planWeights([null, 10, 4]).map((w) => `${w.path} [${w.shape}]`)).toEqual([
      'c/kernel [3,4,5]',
      'c/bias [5]',
    ]);
    expect(c.outputShapeFor([null, 10, 4])).toEqual([null, 8, 5]);
    expect(new Conv1D({ filters: 1, kernelSize: 3, padding: 'causal' }).outputShapeFor([null, 10, 4])).toEqual([
      null,
      10,
      1,
    ]);
    expect(
      new Conv1D({ filters: 1, kernelSize: 3, strides: 3, padding: 'causal' }).outputShapeFor([null, 10, 4]),
    ).toEqual([null, 4, 1]);
  });

  it('sums windows of ones: valid, same, causal, dilated causal', async () => {
    await useBackend('cpu');
    expect(Array.from(await sum({}).apply(steps()).data())).toEqual([6, 9]);
    expect(Array.from(await sum({ padding: 'same' }).apply(steps()).data())).toEqual([3, 6, 9, 7]);
    // Step t sees steps t-2, t-1, t: zeros before the start.
    expect(Array.from(await sum({ padding: 'causal' }).apply(steps()).data())).toEqual([1, 3, 6, 9]);
    // Kernel 2 at rate 2: steps t-2 and t.
    expect(Array.from(await sum({ padding: 'causal', kernelSize: 2, dilationRate: 2 }).apply(steps()).data())).toEqual([
      1, 2, 4, 6,
    ]);
    expect(Array.from(await sum({ strides: 2, padding: 'causal', kernelSize: 2 }).apply(steps()).data())).toEqual([
      1, 5,
    ]);
  });

  it('reads its kernel as [kernelSize, inputChannels, filters] and adds the bias', async () => {
    await useBackend('cpu');
    const c = new Conv1D({ filters: 2, kernelSize: 2 });
    c.ensureBuilt([null, 2, 2]);
    // kernel[t][c][f]: tap 0 = [[1, 2], [3, 4]], tap 1 = [[5, 6], [7, 8]]; bias [10, 20].
    c.setWeightValues([
      [1, 2, 3, 4, 5, 6, 7, 8],
      [10, 20],
    ]);
    // x steps: [1, 10], [100, 1000]. Filter f: x0c0*k0c0f + x0c1*k0c1f + x1c0*k1c0f + x1c1*k1c1f + b.
    const y = c.apply(tensor3d([1, 10, 100, 1000], [1, 2, 2]));
    expect(Array.from(await y.data())).toEqual([1 + 30 + 500 + 7000 + 10, 2 + 40 + 600 + 8000 + 20]);
  });

  it('explains bad configs and inputs', async () => {
    await useBackend('cpu');
    expect(() => new Conv1D({ filters: 0, kernelSize: 3 })).toThrow(
      'Conv1D: filters must be a positive integer. Received: filters=0.',
    );
    expect(() => new Conv1D({ filters: 1, kernelSize: [3, 3] as never })).toThrow(
      'Conv1D: kernelSize must be a positive integer or a list of one, e.g. 3 or [3]. Received: kernelSize=[3,3].',
    );
    expect(() => new Conv1D({ filters: 1, kernelSize: 3, strides: 0 })).toThrow(
      'Conv1D: strides must be a positive integer or a list of one, e.g. 3 or [3]. Received: strides=0.',
    );
    expect(() => new Conv1D({ filters: 1, kernelSize: 3, padding: 'full' as never })).toThrow(
      "Conv1D: padding must be one of 'same', 'valid', 'causal'. Received: padding='full'.",
    );
    expect(() => new Conv1D({ filters: 1, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(
      'Conv1D: strides and dilationRate cannot both exceed 1. Received: strides=2, dilationRate=2.',
    );
    const c = new Conv1D({ filters: 1, kernelSize: 3, dilationRate: 2, name: 'c1' });
    expect(() => c.apply(ones([5, 2]))).toThrow(
      "Conv1D 'c1' expects a rank-3 input [batch, steps, channels]. Received shape [5, 2]. " +
        'Add a batch dimension, e.g. x.reshape([1, 5, 2]).',
    );
    expect(() => c.apply(ones([1, 4, 2]))).toThrow(
      "Conv1D 'c1': a kernel of 3 dilated by 2 with padding 'valid' does not fit 4 steps. Received shape [1, 4, 2]. " +
        "Use padding 'same' or 'causal', or a smaller kernel.",
    );
  });
});
