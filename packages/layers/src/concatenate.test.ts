import { tensor2d, useBackend } from '@neurite/core';
import { Concatenate, Conv2D, input, MaxPooling2D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Concatenate, {
  config: {},
  inputShapes: [
    [2, 3, 3, 2],
    [2, 3, 3, 1],
  ],
});
await describeLayer(Concatenate, {
  config: { axis: 1 },
  inputShapes: [
    [2, 2, 3],
    [2, 1, 3],
    [2, 3, 3],
  ],
  title: 'axis 1',
});

describe('Concatenate by hand', () => {
  it('joins along the last axis, or the one given', async () => {
    await useBackend('cpu');
    const a = tensor2d([[1, 2]]);
    const b = tensor2d([[3]]);
    expect(Array.from(await new Concatenate().apply([a, b]).data())).toEqual([1, 2, 3]);
    expect(new Concatenate({ axis: 1 }).apply([tensor2d([[1], [2]]), tensor2d([[3], [4]])]).shape).toEqual([2, 2]);
  });

  it('says which axis disagrees, and refuses the batch axis', () => {
    const image = input({ shape: [8, 8, 1] });
    const big = new Conv2D({ filters: 2, kernelSize: 1, name: 'big' }).apply(image);
    const small = new MaxPooling2D({ name: 'small' }).apply(big);
    expect(() => new Concatenate({ name: 'skip' }).apply([big, small])).toThrow(
      "Concatenate 'skip' joins along axis 3; every other axis must agree, but input 0 is [null, 8, 8, 2] and input 1 is [null, 4, 4, 2] (axis 1: 8 vs 4).",
    );
    expect(() => new Concatenate({ axis: 0 })).toThrow('Concatenate: axis must be a non-zero integer');
    expect(() => new Concatenate({ axis: 4, name: 'far' }).apply([big, big])).toThrow(
      "Concatenate 'far': axis 4 does not exist in rank-4 inputs",
    );
  });
});
