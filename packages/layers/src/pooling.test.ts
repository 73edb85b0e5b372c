import { tensor4d, useBackend } from '@neurite/core';
import { AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(MaxPooling2D, { config: {}, inputShape: [2, 4, 4, 2] });
await describeLayer(MaxPooling2D, {
  config: { poolSize: 3, strides: 2, padding: 'same' },
  inputShape: [1, 5, 5, 1],
  title: 'same',
});
await describeLayer(AveragePooling2D, { config: { poolSize: [2, 1] }, inputShape: [2, 4, 3, 2] });
await describeLayer(GlobalAveragePooling2D, { config: {}, inputShape: [2, 3, 3, 4] });

describe('pooling by hand', () => {
  it('max and average of 2x2 windows', async () => {
    await useBackend('cpu');
    const x = tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
    expect(Array.from(await new MaxPooling2D().apply(x).data())).toEqual([6, 8, 14, 16]);
    expect(Array.from(await new AveragePooling2D().apply(x).data())).toEqual([3.5, 5.5, 11.5, 13.5]);
    expect(Array.from(await new GlobalAveragePooling2D().apply(x).data())).toEqual([8.5]);
  });
  it('rejects a bad pool size', () => {
    expect(() => new MaxPooling2D({ poolSize: 0 })).toThrow(
      'MaxPooling2D: poolSize must be a positive integer or a pair of them, e.g. 3 or [3, 3]. Received: poolSize=0.',
    );
  });
});
