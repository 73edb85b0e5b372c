import { ones, setSeed, useBackend, zeros } from '@neurite/core';
import { GaussianNoise } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(GaussianNoise, { config: { stddev: 0.5 }, inputShape: [2, 4], trainingDiffers: true });
await describeLayer(GaussianNoise, {
  config: { stddev: 0.1 },
  inputShape: [2, 2, 2, 2],
  trainingDiffers: true,
  title: 'on feature maps',
});

describe('GaussianNoise', () => {
  it('adds zero-mean noise of the given spread in training only, following the seed', async () => {
    await useBackend('cpu');
    const layer = new GaussianNoise({ stddev: 0.3 });
    setSeed(4);
    const a = Array.from(await layer.apply(ones([1, 20000]), { training: true }).data());
    setSeed(4);
    const b = Array.from(await layer.apply(ones([1, 20000]), { training: true }).data());
    expect(b).toEqual(a);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    expect(mean).toBeCloseTo(1, 2);
    expect(std).toBeGreaterThan(0.29);
    expect(std).toBeLessThan(0.31);
    expect(Array.from(await layer.apply(ones([1, 3])).data())).toEqual([1, 1, 1]);
    expect(Array.from(await new GaussianNoise({ stddev: 0 }).apply(zeros([1, 2]), { training: true }).data())).toEqual([
      0, 0,
    ]);
  });
  it('rejects a negative or missing stddev', () => {
    expect(() => new GaussianNoise({ stddev: -1 })).toThrow(
      'GaussianNoise: stddev must be a non-negative number, e.g. 0.1. Received: stddev=-1.',
    );
    expect(() => new GaussianNoise({} as never)).toThrow('Received: stddev=undefined.');
  });
});
