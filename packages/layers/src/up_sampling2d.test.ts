import { image, type Tensor4D, tensor4d, useBackend } from '@neurite/core';
import { floats } from '@neurite/core/testing';
import { UpSampling2D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(UpSampling2D, { config: {}, inputShape: [2, 2, 3, 2] });
await describeLayer(UpSampling2D, { config: { size: [2, 3] }, inputShape: [1, 2, 2, 1], title: 'size [2, 3]' });
await describeLayer(UpSampling2D, {
  config: { interpolation: 'bilinear' },
  inputShape: [1, 2, 3, 2],
  title: 'bilinear',
});
await describeLayer(UpSampling2D, {
  config: { size: [3, 2], interpolation: 'bilinear' },
  inputShape: [2, 3, 2, 1],
  title: 'bilinear [3, 2]',
});
await describeLayer(UpSampling2D, {
  config: { size: [1, 4], interpolation: 'bilinear' },
  inputShape: [1, 1, 3, 1],
  title: 'bilinear [1, 4], one row',
});

describe('UpSampling2D by hand', () => {
  it('nearest repeats each pixel', async () => {
    await useBackend('cpu');
    const x = tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = new UpSampling2D({ size: [1, 2] }).apply(x);
    expect(y.shape).toEqual([1, 2, 4, 1]);
    expect(Array.from(await y.data())).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    const z = new UpSampling2D().apply(tensor4d([1, 2], [1, 1, 1, 2]));
    expect(Array.from(await z.data())).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
  });
  it("bilinear matches Keras's tf.image.resize (half-pixel centers), here tfjs's forward resizeBilinear", async () => {
    await useBackend('cpu');
    // [1, 3] doubled: samples at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    const row = new UpSampling2D({ size: [1, 2], interpolation: 'bilinear' }).apply(tensor4d([1, 3], [1, 1, 2, 1]));
    expect(Array.from(await row.data())).toEqual([1, 1.5, 2.5, 3]);
    for (const [shape, size] of [
      [
        [2, 3, 4, 2],
        [2, 3],
      ],
      [
        [1, 4, 3, 1],
        [3, 2],
      ],
      [
        [1, 1, 2, 3],
        [4, 1],
      ],
    ] as [number[], [number, number]][]) {
      const x = tensor4d(
        floats(
          shape.reduce((a, b) => a * b, 1),
          7,
        ),
        shape as [number, number, number, number],
      );
      const ours = await new UpSampling2D({ size, interpolation: 'bilinear' }).apply(x).data();
      const ref = await image
        .resizeBilinear(x as Tensor4D, [shape[1] * size[0], shape[2] * size[1]], false, true)
        .data();
      expect(ours.length).toBe(ref.length);
      ours.forEach((v, i) => {
        expect(v).toBeCloseTo(ref[i], 5);
      });
      const nearest = await new UpSampling2D({ size }).apply(x).data();
      const nearestRef = await image
        .resizeNearestNeighbor(x as Tensor4D, [shape[1] * size[0], shape[2] * size[1]], false, true)
        .data();
      expect(Array.from(nearest)).toEqual(Array.from(nearestRef));
    }
  });
  it('rejects a bad size or interpolation', () => {
    expect(() => new UpSampling2D({ size: 0 })).toThrow(
      'UpSampling2D: size must be a positive integer or a pair of them, e.g. 3 or [3, 3]. Received: size=0.',
    );
    expect(() => new UpSampling2D({ interpolation: 'bicubic' as never })).toThrow(
      "UpSampling2D: interpolation must be one of 'nearest', 'bilinear'. Received: interpolation='bicubic'.",
    );
  });
});
