import { ones, tensor4d, useBackend } from '@neurite/core';
import { Cropping2D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Cropping2D, { config: { cropping: 1 }, inputShape: [2, 4, 4, 2] });
await describeLayer(Cropping2D, {
  config: {
    cropping: [
      [1, 0],
      [0, 2],
    ],
  },
  inputShape: [1, 3, 4, 2],
  title: '[[1, 0], [0, 2]]',
});
await describeLayer(Cropping2D, { config: { cropping: [0, 1] }, inputShape: [2, 2, 3, 1], title: '[0, 1]' });

describe('Cropping2D by hand', () => {
  it('removes rows and columns from each side as given', async () => {
    await useBackend('cpu');
    const x = tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [1, 3, 4, 1]);
    const y = new Cropping2D({
      cropping: [
        [1, 0],
        [1, 2],
      ],
    }).apply(x);
    expect(y.shape).toEqual([1, 2, 1, 1]);
    expect(Array.from(await y.data())).toEqual([6, 10]);
    expect(Array.from(await new Cropping2D({ cropping: [1, 1] }).apply(x).data())).toEqual([6, 7]);
    expect(new Cropping2D().apply(x).shape).toEqual([1, 3, 4, 1]);
  });
  it('rejects a bad cropping, and one that leaves nothing', async () => {
    await useBackend('cpu');
    expect(() => new Cropping2D({ cropping: [1, 2, 3] as never })).toThrow(
      'Cropping2D: cropping must be a non-negative integer (all four sides), a pair [height, width] of them',
    );
    expect(() => new Cropping2D({ cropping: [1, 2], name: 'c' }).apply(ones([1, 2, 5, 1]))).toThrow(
      "Cropping2D 'c': cropping [[1, 1], [2, 2]] leaves nothing of an input of shape [1, 2, 5, 1] " +
        "(height 2 - 1 - 1 = 0). Crop less than the input's size.",
    );
  });
});
