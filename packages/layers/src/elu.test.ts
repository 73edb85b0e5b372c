import { tensor, useBackend } from '@neurite/core';
import { ELU } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(ELU, { config: {}, inputShape: [2, 5] });
await describeLayer(ELU, { config: { alpha: 0.5 }, inputShape: [2, 5], title: 'alpha 0.5' });
await describeLayer(ELU, { config: { alpha: 2 }, inputShape: [2, 2, 3], title: 'alpha 2' });

describe('ELU by hand', () => {
  it('is x above 0 and alpha * (e^x - 1) below', async () => {
    await useBackend('cpu');
    const xs = [-3, -1, -0.1, 0, 0.4, 2];
    for (const alpha of [1, 0.5, 2]) {
      const got = Array.from(await new ELU({ alpha }).apply(tensor([xs])).data());
      got.forEach((v, i) => {
        expect(v).toBeCloseTo(xs[i] > 0 ? xs[i] : alpha * (Math.exp(xs[i]) - 1), 6);
      });
    }
  });
  it('rejects an alpha that is not a finite number', () => {
    expect(() => new ELU({ alpha: '1' as never })).toThrow(
      "ELU: alpha must be a finite number, e.g. 1. Received: alpha='1'.",
    );
    expect(() => new ELU({ alpha: Number.NaN })).toThrow('Received: alpha=NaN.');
  });
});
