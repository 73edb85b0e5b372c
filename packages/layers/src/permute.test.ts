import { ones, tensor, useBackend } from '@neurite/core';
import { input, Permute } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Permute, { config: { dims: [2, 1] }, inputShape: [2, 3, 4] });
await describeLayer(Permute, { config: { dims: [3, 1, 2] }, inputShape: [2, 2, 3, 4], title: '[3, 1, 2]' });

describe('Permute by hand', () => {
  it('reorders the axes after the batch, counting from 1', async () => {
    await useBackend('cpu');
    const x = tensor([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    const y = new Permute({ dims: [2, 1] }).apply(x);
    expect(y.shape).toEqual([1, 3, 2]);
    expect(Array.from(await y.data())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(new Permute({ dims: [3, 1, 2] }).outputShapeFor(input({ shape: [5, 6, 7] }).shape)).toEqual([null, 7, 5, 6]);
  });
  it('rejects dims that are not a permutation, and an input of another rank', async () => {
    await useBackend('cpu');
    for (const dims of [[0, 1], [1, 1], [], [2, 3], [1.5]]) {
      expect(() => new Permute({ dims })).toThrow(
        'Permute: dims must list each axis after the batch exactly once, counting from 1, e.g. [2, 1] or [3, 1, 2]. ' +
          `Received: dims=${JSON.stringify(dims)}.`,
      );
    }
    expect(() => new Permute({ dims: [2, 1], name: 'p' }).apply(ones([2, 3]))).toThrow(
      "Permute 'p' expects a rank-3 input [batch, d1, d2]. Received shape [2, 3].",
    );
  });
});
