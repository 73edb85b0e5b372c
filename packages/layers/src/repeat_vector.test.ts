import { ones, tensor, useBackend } from '@neurite/core';
import { RepeatVector } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(RepeatVector, { config: { n: 3 }, inputShape: [2, 4] });
await describeLayer(RepeatVector, { config: { n: 1 }, inputShape: [3, 2], title: 'n 1' });

describe('RepeatVector by hand', () => {
  it('repeats each vector n times', async () => {
    await useBackend('cpu');
    const y = new RepeatVector({ n: 2 }).apply(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(y.shape).toEqual([2, 2, 2]);
    expect(Array.from(await y.data())).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
  });
  it('rejects a bad n, and an input that is not [batch, features]', async () => {
    await useBackend('cpu');
    expect(() => new RepeatVector({ n: 0 })).toThrow('RepeatVector: n must be a positive integer. Received: n=0.');
    expect(() => new RepeatVector({ n: 2, name: 'r' }).apply(ones([1, 2, 3]))).toThrow(
      "RepeatVector 'r' expects a rank-2 input [batch, features]. Received shape [1, 2, 3].",
    );
  });
});
