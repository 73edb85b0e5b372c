import { ones, setSeed, useBackend } from '@neurite/core';
import { SpatialDropout2D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(SpatialDropout2D, { config: { rate: 0.5 }, inputShape: [2, 3, 3, 4], trainingDiffers: true });

describe('SpatialDropout2D', () => {
  it('drops whole channels in training, follows the seed, and is the identity at inference', async () => {
    await useBackend('cpu');
    const [b, h, w, c] = [4, 3, 2, 50];
    const layer = new SpatialDropout2D({ rate: 0.4 });
    setSeed(11);
    const a = Array.from(await layer.apply(ones([b, h, w, c]), { training: true }).data());
    setSeed(11);
    const again = Array.from(await layer.apply(ones([b, h, w, c]), { training: true }).data());
    expect(again).toEqual(a);
    expect(new Set(a)).toEqual(new Set([0, Math.fround(1 / 0.6)]));
    let kept = 0;
    for (let n = 0; n < b; n++) {
      for (let k = 0; k < c; k++) {
        // Every pixel of one sample's channel is kept or dropped together.
        const values = new Set<number>();
        for (let i = 0; i < h * w; i++) values.add(a[(n * h * w + i) * c + k]);
        expect(values.size).toBe(1);
        if ([...values][0] > 0) kept++;
      }
    }
    // 200 draws with p = 0.6: within about 4 standard deviations (0.035).
    expect(kept / (b * c)).toBeGreaterThan(0.45);
    expect(kept / (b * c)).toBeLessThan(0.75);
    expect(Array.from(await layer.apply(ones([1, 1, 1, 3])).data())).toEqual([1, 1, 1]);
    expect(
      Array.from(await new SpatialDropout2D({ rate: 0 }).apply(ones([1, 1, 1, 2]), { training: true }).data()),
    ).toEqual([1, 1]);
  });
  it('rejects a rate outside [0, 1), and an input that is not an image batch', async () => {
    await useBackend('cpu');
    expect(() => new SpatialDropout2D({ rate: 1 })).toThrow(
      'SpatialDropout2D: rate must be in [0, 1). Received: rate=1.',
    );
    expect(() => new SpatialDropout2D({ rate: 0.5, name: 's' }).apply(ones([2, 3]))).toThrow(
      "SpatialDropout2D 's' expects a rank-4 input [batch, height, width, channels]. Received shape [2, 3].",
    );
  });
});
