import { tensor2d, tensor3d, useBackend } from '@neurite/core';
import { Dot, input } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Dot, {
  config: { axes: 1 },
  inputShapes: [
    [2, 4],
    [2, 4],
  ],
});
await describeLayer(Dot, {
  config: { axes: [2, 2] },
  inputShapes: [
    [2, 3, 4],
    [2, 2, 4],
  ],
  title: 'rank 3',
});
await describeLayer(Dot, {
  config: { axes: [1, 2], normalize: true },
  inputShapes: [
    [2, 3, 2],
    [2, 2, 3],
  ],
  title: 'cosine',
});

describe('Dot by hand', () => {
  it('sums products over the axes, sample by sample', async () => {
    await useBackend('cpu');
    const y = new Dot({ axes: 1 }).apply([
      tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tensor2d([
        [5, 6],
        [7, 8],
      ]),
    ]);
    expect(y.shape).toEqual([2, 1]);
    expect(Array.from(await y.data())).toEqual([17, 53]);
    // [1, 2, 2] . [1, 2, 2] over axis 2 of each: x y^T per sample.
    const m = new Dot({ axes: 2 }).apply([
      tensor3d([
        [
          [1, 0],
          [0, 2],
        ],
      ]),
      tensor3d([
        [
          [3, 4],
          [5, 6],
        ],
      ]),
    ]);
    expect(m.shape).toEqual([1, 2, 2]);
    expect(Array.from(await m.data())).toEqual([3, 5, 8, 12]);
    const cos = new Dot({ axes: 1, normalize: true }).apply([tensor2d([[3, 4]]), tensor2d([[6, 8]])]);
    expect((await cos.data())[0]).toBeCloseTo(1, 6);
  });

  it('refuses axes of different sizes and bad configs', () => {
    const a = input({ shape: [3] });
    const b = input({ shape: [4] });
    expect(() => new Dot({ axes: 1, name: 'dot' }).apply([a, b])).toThrow(
      "Dot 'dot' sums over axis 1 of input 0 [null, 3] and axis 1 of input 1 [null, 4], but they have 3 and 4 entries.",
    );
    expect(() => new Dot({ axes: 0 })).toThrow('Dot: axes must be a non-zero integer or a pair of them');
    expect(() => new Dot({ axes: 1, normalize: 'yes' as never })).toThrow('Dot: normalize must be true or false.');
  });
});
