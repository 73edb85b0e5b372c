import { tensor, useBackend } from '@neurite/core';
import { ReLU } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

// The kit's inputs lie in [-1, 1); kinks at 0, maxValue and threshold fall inside that range on purpose:
// its finite differences skip the few points within 1e-3 of a kink, and check the rest.
await describeLayer(ReLU, { config: {}, inputShape: [2, 5] });
await describeLayer(ReLU, { config: { maxValue: 0.5 }, inputShape: [2, 5], title: 'maxValue 0.5' });
await describeLayer(ReLU, { config: { negativeSlope: 0.1 }, inputShape: [2, 5], title: 'negativeSlope 0.1' });
await describeLayer(ReLU, { config: { threshold: 0.3 }, inputShape: [2, 5], title: 'threshold 0.3' });
await describeLayer(ReLU, {
  config: { maxValue: 0.6, negativeSlope: 0.2, threshold: 0.1 },
  inputShape: [2, 3, 4],
  title: 'all three',
});

// Keras's definition: maxValue for x >= maxValue, x for threshold < x < maxValue, negativeSlope * (x - threshold) otherwise.
function keras(x: number, maxValue: number | null, negativeSlope: number, threshold: number): number {
  if (x > threshold) return maxValue === null ? x : Math.min(x, maxValue);
  return negativeSlope * (x - threshold);
}

describe('ReLU by hand', () => {
  const xs = [-3, -1, -0.25, 0, 0.2, 0.5, 1, 2.5, 6, 7.5];
  const cases: [number | null, number, number][] = [
    [null, 0, 0],
    [6, 0, 0],
    [null, 0.1, 0],
    [null, 0, 1],
    [2, 0.5, 0.5],
    [0, 0.2, 0],
  ];
  for (const [maxValue, negativeSlope, threshold] of cases) {
    it(`maxValue ${maxValue}, negativeSlope ${negativeSlope}, threshold ${threshold}`, async () => {
      await useBackend('cpu');
      const layer = new ReLU({ maxValue, negativeSlope, threshold });
      const got = Array.from(await layer.apply(tensor([xs])).data());
      got.forEach((v, i) => {
        expect(v).toBeCloseTo(keras(xs[i], maxValue, negativeSlope, threshold), 6);
      });
    });
  }
  it('keeps the config keys Keras writes, camelCased', () => {
    const config = new ReLU({ maxValue: 6, negativeSlope: 0.1, threshold: 0.5, name: 'r' }).getConfig();
    expect(config).toEqual({ maxValue: 6, negativeSlope: 0.1, threshold: 0.5, name: 'r', trainable: true });
    expect(new ReLU().name).toMatch(/^re_lu_\d+$/);
  });
  it('rejects negative or non-numeric options, as Keras', () => {
    expect(() => new ReLU({ maxValue: -1 })).toThrow(
      'ReLU: maxValue must be a non-negative number, as in Keras. Received: maxValue=-1.',
    );
    expect(() => new ReLU({ negativeSlope: -0.1 })).toThrow(
      'ReLU: negativeSlope must be a non-negative number, as in Keras. Received: negativeSlope=-0.1.',
    );
    expect(() => new ReLU({ threshold: '1' as never })).toThrow(
      "ReLU: threshold must be a non-negative number, as in Keras. Received: threshold='1'.",
    );
    expect(() => new ReLU({ threshold: Number.NaN })).toThrow('Received: threshold=NaN.');
  });
});
