import { tensor, useBackend } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Dense, { config: { units: 3, activation: 'tanh' }, inputShape: [2, 4] });
await describeLayer(Dense, { config: { units: 2, useBias: false }, inputShape: [2, 3, 4], title: 'on rank-3 input' });

describe('Dense', () => {
  it('computes x W + b by hand', async () => {
    await useBackend('cpu');
    const d = new Dense({ units: 2 });
    d.ensureBuilt([null, 2]);
    d.setWeightValues([
      [1, 2, 3, 4],
      [0.5, -1],
    ]);
    // [1, 1] x [[1, 2], [3, 4]] + [0.5, -1] = [4.5, 5]
    expect(Array.from(await d.apply(tensor([[1, 1]])).data())).toEqual([4.5, 5]);
  });

  it('rejects bad configs and inputs with clear messages', async () => {
    await useBackend('cpu');
    expect(() => new Dense({ units: -3 })).toThrow('Dense: units must be a positive integer. Received: units=-3.');
    expect(() => new Dense({ units: 2, activation: 'relu6' as never })).toThrow("Unknown activation 'relu6'.");
    const d = new Dense({ units: 2, name: 'out' });
    expect(() => d.apply(tensor([1, 2]))).toThrow(
      "Dense 'out' expects a rank-2 or higher input [batch, ..., features]. Received shape [2]. Add a batch dimension, e.g. x.reshape([1, 2]).",
    );
    d.apply(tensor([[1, 2]]));
    expect(() => d.apply(tensor([[1, 2, 3]]))).toThrow(
      "Dense 'out' was built for inputs of shape [null, 2]. Received shape [1, 3]. Its weights fix the rank and the last axis",
    );
  });
});
