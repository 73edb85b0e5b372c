import { tensor, useBackend } from '@neurite/core';
import { Softmax } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Softmax, { config: {}, inputShape: [2, 4] });
await describeLayer(Softmax, { config: { axis: 1 }, inputShape: [2, 3, 2], title: 'axis 1' });
await describeLayer(Softmax, { config: { axis: [1, 2] }, inputShape: [2, 2, 3], title: 'axes [1, 2]' });
await describeLayer(Softmax, { config: { axis: -2 }, inputShape: [2, 2, 3, 2], title: 'axis -2' });

describe('Softmax by hand', () => {
  it('normalizes over the axis given', async () => {
    await useBackend('cpu');
    const values = [
      [
        [0, 1],
        [2, 3],
        [4, 5],
      ],
    ];
    const x = tensor(values);
    const last = (await new Softmax().apply(x).array()) as number[][][];
    const e = (v: number) => Math.exp(v);
    expect(last[0][0][0]).toBeCloseTo(e(0) / (e(0) + e(1)), 6);
    const overSteps = (await new Softmax({ axis: 1 }).apply(x).array()) as number[][][];
    expect(overSteps[0][2][1]).toBeCloseTo(e(5) / (e(1) + e(3) + e(5)), 6);
    const overBoth = (await new Softmax({ axis: [1, 2] }).apply(x).array()) as number[][][];
    const total = [0, 1, 2, 3, 4, 5].reduce((s, v) => s + e(v), 0);
    expect(overBoth[0][1][0]).toBeCloseTo(e(2) / total, 6);
    // Large inputs do not overflow.
    expect(Array.from(await new Softmax({ axis: 1 }).apply(tensor([[[1000], [1000]]])).data())).toEqual([0.5, 0.5]);
  });
  it('rejects a bad axis, and one the input does not have', async () => {
    await useBackend('cpu');
    expect(() => new Softmax({ axis: 1.5 })).toThrow(
      'Softmax: axis must be an integer or a non-empty list of them, e.g. -1 or [1, 2]. Received: axis=1.5.',
    );
    expect(() => new Softmax({ axis: [] })).toThrow('Received: axis=[].');
    expect(() => new Softmax({ axis: 3, name: 's' }).apply(tensor([[[1, 2]]]))).toThrow(
      "Softmax 's': axis 3 must name distinct axes of its rank-3 input, from -3 to 2. Received an input of rank 3.",
    );
    expect(() => new Softmax({ axis: [1, -2], name: 't' }).apply(tensor([[[1, 2]]]))).toThrow(
      "Softmax 't': axis [1,-2] must name distinct axes",
    );
  });
});
