import { tensor4d, useBackend } from '@neurite/core';
import { GlobalMaxPooling2D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(GlobalMaxPooling2D, { config: {}, inputShape: [2, 3, 3, 2] });
await describeLayer(GlobalMaxPooling2D, { config: { keepdims: true }, inputShape: [2, 2, 3, 3], title: 'keepdims' });

describe('GlobalMaxPooling2D by hand', () => {
  it("keeps each channel's largest value", async () => {
    await useBackend('cpu');
    const x = tensor4d([1, -5, 4, 2, 3, 0, -1, 7, -2, -3, -4, -8, -6, -9, -7, -1], [2, 2, 2, 2]);
    const y = new GlobalMaxPooling2D().apply(x);
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(await y.data())).toEqual([4, 7, -2, -1]);
    expect(new GlobalMaxPooling2D({ keepdims: true }).apply(x).shape).toEqual([2, 1, 1, 2]);
  });
  it('asks for a rank-4 input', async () => {
    await useBackend('cpu');
    expect(() =>
      new GlobalMaxPooling2D({ name: 'g' }).apply(tensor4d([1, 2], [1, 1, 1, 2]).reshape([1, 1, 2])),
    ).toThrow(
      "GlobalMaxPooling2D 'g' expects a rank-4 input [batch, height, width, channels]. Received shape [1, 1, 2].",
    );
  });
});
