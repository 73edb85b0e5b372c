import { ones, useBackend } from '@neurite/core';
import { Flatten, Reshape } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Flatten, { config: {}, inputShape: [2, 3, 2, 2] });
await describeLayer(Reshape, { config: { targetShape: [2, -1] }, inputShape: [2, 6] });

describe('Reshape', () => {
  it('explains a shape that does not fit', async () => {
    await useBackend('cpu');
    expect(() => new Reshape({ targetShape: [-1, -1] })).toThrow(
      'Reshape: targetShape must be a list of positive integers (one may be -1), without the batch dimension. Received: targetShape=[-1,-1].',
    );
    expect(() => new Reshape({ targetShape: [5], name: 'r' }).apply(ones([2, 6]))).toThrow(
      "Reshape 'r': cannot reshape a sample of shape [6] (6 values) to [5].",
    );
  });
});
