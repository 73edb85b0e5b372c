// The robustness benchmark's own pieces: its calibration error, its degradations (seeded, each one
// changing the picture the way it says), and the glyph rasteriser. The full run needs Debian's packages
// and a trained model: `pnpm bench robust`.
import { createRng } from '@neurite/core';
import { loadMnist, prepareDigit } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: as above
import { fillPath } from '../bench/robust/raster.mjs';
// @ts-expect-error: as above
import { DEGRADATIONS, degrade } from '../bench/robust/sources.mjs';
// @ts-expect-error: an .mjs module of the bench, without types
import { calibrationError } from '../bench/robust.mjs';

const { test } = await loadMnist({ limit: 20 });
const digit = (i: number) => test.images.slice(i * 784, (i + 1) * 784);

describe('bench robust', () => {
  it('computes the expected calibration error over 15 bins', () => {
    expect(calibrationError([1, 1, 1, 1], [true, true, true, true])).toBeCloseTo(0, 9);
    // Confident at 0.95 and right half the time: off by 0.45.
    expect(calibrationError([0.95, 0.95, 0.95, 0.95], [true, false, true, false])).toBeCloseTo(0.45, 9);
    // Two bins, each with its own gap, weighted by their share.
    expect(calibrationError([0.5, 0.5, 0.99, 0.99], [true, true, true, true])).toBeCloseTo(0.5 * 0.5 + 0.5 * 0.01, 9);
  });

  it('draws each degradation the same for a seed, and each one keeps a digit prepareDigit can read', () => {
    for (const variant of DEGRADATIONS) {
      const a = degrade(variant, digit(3), createRng(5));
      const b = degrade(variant, digit(3), createRng(5));
      expect(Array.from(a.data), variant).toEqual(Array.from(b.data));
      expect(a.data.length).toBe(a.width * a.height * 4);
      const prepared = prepareDigit(a);
      expect(
        prepared.reduce((s: number, v: number) => s + v, 0),
        variant,
      ).toBeGreaterThan(20);
    }
    // Low contrast keeps every grey between the ink's and the paper's; a shadow spreads the paper.
    const low = (Array.from(degrade('low contrast', digit(0), createRng(1)).data) as number[]).filter(
      (_, i) => i % 4 === 0,
    );
    expect(Math.min(...low)).toBeGreaterThanOrEqual(Math.round(0.55 * 255) - 1);
    expect(Math.max(...low)).toBeLessThanOrEqual(Math.round(0.75 * 255) + 1);
    const shadow = degrade('shadow', digit(0), createRng(1));
    const corners = [0, 83, 83 * 84, 84 * 84 - 1].map((i) => shadow.data[4 * i]);
    expect(Math.max(...corners) - Math.min(...corners)).toBeGreaterThan(60);
    expect(degrade('resolution 10 px', digit(0), createRng(1)).width).toBe(10);
  });

  it('fills a glyph-like path with the nonzero rule: a square with a hole', () => {
    const square = (x0: number, y0: number, x1: number, y1: number, clockwise: boolean) => {
      const pts = clockwise
        ? [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
          ]
        : [
            [x0, y0],
            [x0, y1],
            [x1, y1],
            [x1, y0],
          ];
      return [
        { type: 'M', x: pts[0][0], y: pts[0][1] },
        ...pts.slice(1).map(([x, y]) => ({ type: 'L', x, y })),
        { type: 'Z' },
      ];
    };
    const img = fillPath([...square(2, 2, 18, 18, true), ...square(8, 8, 12, 12, false)], 20, 20);
    expect(img[5 * 20 + 5]).toBeCloseTo(1, 6); // inside the outer square
    expect(img[10 * 20 + 10]).toBeCloseTo(0, 6); // in the hole
    expect(img[0]).toBe(0); // outside
    expect(img[2 * 20 + 10]).toBeCloseTo(1, 6);
    // Half a pixel of coverage at an edge that cuts pixels in two.
    const half = fillPath(square(0, 0, 10.5, 10, true), 12, 12);
    expect(half[5 * 12 + 10]).toBeCloseTo(0.5, 6);
  });
});
