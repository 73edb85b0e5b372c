import { ones, tensor3d, useBackend } from '@neurite/core';
import { input, MaxPooling1D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(MaxPooling1D, { config: {}, inputShape: [2, 6, 2] });
await describeLayer(MaxPooling1D, {
  config: { poolSize: 3, strides: 2, padding: 'same' },
  inputShape: [1, 5, 2],
  title: 'same',
});
await describeLayer(MaxPooling1D, {
  config: { poolSize: [2], strides: [1] },
  inputShape: [2, 4, 1],
  title: 'stride 1',
});

describe('MaxPooling1D by hand', () => {
  it('keeps the largest value of each window, per channel', async () => {
    await useBackend('cpu');
    const x = tensor3d([1, 0, 5, 1, 2, 9, 4, 2, 3, 3, 0, 3], [1, 6, 2]);
    const y = new MaxPooling1D().apply(x);
    expect(y.shape).toEqual([1, 3, 2]);
    expect(Array.from(await y.data())).toEqual([5, 1, 4, 9, 3, 3]);
    const same = new MaxPooling1D({ poolSize: 2, strides: 2, padding: 'same' }).apply(x.slice([0, 0, 0], [1, 5, 2]));
    expect(Array.from(await same.data())).toEqual([5, 1, 4, 9, 3, 3]);
    expect(new MaxPooling1D({ poolSize: 3, strides: 1 }).outputShapeFor(input({ shape: [10, 4] }).shape)).toEqual([
      null,
      8,
      4,
    ]);
  });
  it('rejects a bad config, and a window longer than the input', async () => {
    await useBackend('cpu');
    expect(() => new MaxPooling1D({ poolSize: 0 })).toThrow(
      'MaxPooling1D: poolSize must be a positive integer or a list of one, e.g. 2 or [2]. Received: poolSize=0.',
    );
    expect(() => new MaxPooling1D({ strides: [1, 2] as never })).toThrow(
      'MaxPooling1D: strides must be a positive integer or a list of one, e.g. 2 or [2]. Received: strides=[1,2].',
    );
    expect(() => new MaxPooling1D({ padding: 'causal' as never })).toThrow(
      "MaxPooling1D: padding must be one of 'same', 'valid'. Received: padding='causal'.",
    );
    expect(() => new MaxPooling1D({ poolSize: 4, name: 'm' }).apply(ones([1, 3, 2]))).toThrow(
      "MaxPooling1D 'm': a window of 4 steps with padding 'valid' does not fit an input of 3 steps. " +
        "Received shape [1, 3, 2]. Use padding 'same' or a smaller poolSize.",
    );
    expect(() => new MaxPooling1D({ name: 'r' }).apply(ones([1, 4]))).toThrow(
      "MaxPooling1D 'r' expects a rank-3 input [batch, steps, channels]. Received shape [1, 4].",
    );
  });
});
