import { tensor3d, useBackend } from '@neurite/core';
import { GlobalAveragePooling1D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(GlobalAveragePooling1D, { config: {}, inputShape: [2, 4, 3] });
await describeLayer(GlobalAveragePooling1D, { config: { keepdims: true }, inputShape: [2, 3, 2], title: 'keepdims' });

describe('GlobalAveragePooling1D by hand', () => {
  it('averages each channel over the steps', async () => {
    await useBackend('cpu');
    const x = tensor3d([1, 10, 2, 20, 6, 60, 0, 1, 0, 1, 3, 4], [2, 3, 2]);
    const y = new GlobalAveragePooling1D().apply(x);
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(await y.data())).toEqual([3, 30, 1, 2]);
    expect(new GlobalAveragePooling1D({ keepdims: true }).apply(x).shape).toEqual([2, 1, 2]);
  });
  it('asks for a rank-3 input', async () => {
    await useBackend('cpu');
    expect(() => new GlobalAveragePooling1D({ name: 'g' }).apply(tensor3d([1, 2], [1, 1, 2]).reshape([1, 2]))).toThrow(
      "GlobalAveragePooling1D 'g' expects a rank-3 input [batch, steps, channels]. Received shape [1, 2].",
    );
  });
});
