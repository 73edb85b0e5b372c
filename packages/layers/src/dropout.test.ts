import { ones, setSeed, useBackend } from '@neurite/core';
import { Dropout } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Dropout, { config: { rate: 0.5 }, inputShape: [2, 8], trainingDiffers: true });

describe('Dropout', () => {
  it('keeps the expected sum, follows the seed, and is the identity at inference', async () => {
    await useBackend('cpu');
    const d = new Dropout({ rate: 0.25 });
    setSeed(3);
    const a = Array.from(await d.apply(ones([1, 4000]), { training: true }).data());
    setSeed(3);
    const b = Array.from(await d.apply(ones([1, 4000]), { training: true }).data());
    expect(b).toEqual(a);
    expect(new Set(a)).toEqual(new Set([0, Math.fround(1 / 0.75)]));
    const kept = a.filter((v) => v > 0).length / 4000;
    expect(kept).toBeGreaterThan(0.72);
    expect(kept).toBeLessThan(0.78);
    expect(Array.from(await d.apply(ones([1, 3])).data())).toEqual([1, 1, 1]);
  });
  it('rejects a rate outside [0, 1)', () => {
    expect(() => new Dropout({ rate: 1 })).toThrow('Dropout: rate must be in [0, 1). Received: rate=1.');
  });
});
