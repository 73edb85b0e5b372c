// The robustness benchmark's own pieces: its calibration error, its degradations (seeded, each one
// changing the picture the way it says), and the glyph rasteriser. The full run needs Debian's packages
// and a trained model: `pnpm bench robust`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type Tensor, useBackend } from '@neurite/core';
import { loadMnist, prepareDigit } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';
import { augmentedBatches } from '../apps/mnist-cli/dist/augment.js';
// @ts-expect-error: an .mjs module of the bench, without types
import { fillPath } from '../bench/robust/raster.mjs';
// @ts-expect-error: as above
import { DEGRADATIONS, degrade } from '../bench/robust/sources.mjs';
// @ts-expect-error: as above
import { DEFAULT_SETTINGS, writeTrainingData } from '../bench/robust/torch.mjs';
// @ts-expect-error: as above
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
    // The page on a table: a dark frame around the page, which prepareDigit reads as the page alone.
    const table = degrade('page on a table', digit(7), createRng(1));
    expect(table.data[0]).toBeLessThan(0.4 * 255);
    expect(Array.from(prepareDigit(table))).toEqual(
      Array.from(prepareDigit(degrade('dark on paper', digit(7), createRng(1)))),
    );
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

  it("writes the CLI's augmented samples for the PyTorch reference in the order of its batches, and the recipe", async () => {
    await useBackend('cpu');
    const images = await loadMnist({ limit: 100 });
    const s = { ...DEFAULT_SETTINGS, limit: 100, epochs: 2 };
    const dir = mkdtempSync(join(tmpdir(), 'neurite-torch-'));
    try {
      const recipe = await writeTrainingData(dir, { settings: s, images });
      // 100 images, the last 10 held out: 90 samples an epoch, in 2 batches; the rate starts at 0 (warmup).
      expect([recipe.samples, recipe.lr.length, recipe.lr[0], recipe.batchSize]).toEqual([90, 4, 0, 64]);
      expect(recipe.adam).toEqual({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
      const file = (name: string) => readFileSync(join(dir, name));
      const x1 = new Uint16Array(new Uint8Array(file('epoch-1.x.u16')).buffer);
      const x0 = new Uint16Array(new Uint8Array(file('epoch-0.x.u16')).buffer);
      expect(x1.length).toBe(90 * 784);
      expect(x1).not.toEqual(x0); // each epoch its own order and augmentation
      const want: number[] = [];
      let worst = 0;
      let k = 0;
      for await (const b of augmentedBatches(images.train, s, () => 1)) {
        const [xs, ys] = [b.xs as Tensor, b.ys as Tensor];
        const [x, y] = [await xs.data(), await ys.data()];
        xs.dispose();
        ys.dispose();
        for (const v of x) worst = Math.max(worst, Math.abs(x1[k++] / 65535 - v));
        for (let i = 0; i < y.length; i += 10) want.push(y.subarray(i, i + 10).indexOf(1));
      }
      expect(k).toBe(x1.length);
      expect(worst).toBeLessThanOrEqual(0.5 / 65535 + 1e-7);
      expect(Array.from(file('epoch-1.y.u8'))).toEqual(want);
      expect(Array.from(file('test.x.u8'))).toEqual(Array.from(images.test.images, (v: number) => Math.round(v * 255)));
      expect(JSON.parse(file('recipe.json').toString()).testImages).toBe(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
