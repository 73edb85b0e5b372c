import { tensor4d, useBackend } from '@neurite/core';
import { input, ZeroPadding2D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(ZeroPadding2D, { config: {}, inputShape: [2, 3, 3, 2] });
await describeLayer(ZeroPadding2D, { config: { padding: [1, 2] }, inputShape: [1, 2, 3, 1], title: '[1, 2]' });
await describeLayer(ZeroPadding2D, {
  config: {
    padding: [
      [0, 1],
      [2, 0],
    ],
  },
  inputShape: [2, 2, 2, 3],
  title: '[[0, 1], [2, 0]]',
});

describe('ZeroPadding2D by hand', () => {
  it('adds zeros on each side as given', async () => {
    await useBackend('cpu');
    const x = tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = new ZeroPadding2D({
      padding: [
        [1, 0],
        [0, 1],
      ],
    }).apply(x);
    expect(y.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(await y.data())).toEqual([0, 0, 0, 1, 2, 0, 3, 4, 0]);
    expect(new ZeroPadding2D().apply(x).shape).toEqual([1, 4, 4, 1]);
    expect(new ZeroPadding2D({ padding: [0, 2] }).apply(x).shape).toEqual([1, 2, 6, 1]);
    expect(new ZeroPadding2D({ padding: 1 }).outputShapeFor(input({ shape: [5, 7, 3] }).shape)).toEqual([
      null,
      7,
      9,
      3,
    ]);
  });
  it('rejects a padding in none of the three forms', () => {
    for (const padding of [-1, 1.5, [1], [1, -1], [[1, 2], [3]], 'same']) {
      expect(() => new ZeroPadding2D({ padding: padding as never })).toThrow(
        'ZeroPadding2D: padding must be a non-negative integer (all four sides), a pair [height, width] of them ' +
          '(each for both of its sides), or [[top, bottom], [left, right]], e.g. 1, [1, 2] or [[0, 1], [2, 2]]. ' +
          `Received: padding=${typeof padding === 'string' ? `'${padding}'` : JSON.stringify(padding)}.`,
      );
    }
  });
});
