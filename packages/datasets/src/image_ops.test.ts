import { blurImage, deskewImage, loadMnist, resizeImage, slantOf, strokeImage } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

const { test } = await loadMnist({ limit: 10 });
const digit = (i: number): Float32Array => test.images.slice(i * 784, (i + 1) * 784);
const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);
/** Columns of a w x h image holding ink above half. */
const inkColumns = (a: Float32Array, w: number, row: number): number[] =>
  Array.from({ length: w }, (_, x) => x).filter((x) => a[row * w + x] > 0.5);

describe('resizeImage', () => {
  it('averages the area under each pixel when it shrinks, and keeps a flat image flat both ways', () => {
    const img = Float32Array.from([1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0.5, 0.5, 0, 0, 0.5, 0.5]); // 4 x 4
    expect(Array.from(resizeImage(img, 4, 4, 2, 2))).toEqual([0.75, 0, 0, 0.5]);
    for (const [w, h] of [
      [7, 5],
      [40, 40],
      [3, 9],
    ]) {
      const out = resizeImage(new Float32Array(28 * 28).fill(0.25), 28, 28, w, h);
      for (const v of out) expect(v).toBeCloseTo(0.25, 6);
    }
  });

  it('keeps the mean ink of a real digit when it shrinks, and a digit survives 14 px and back', () => {
    const d = digit(0);
    const small = resizeImage(d, 28, 28, 14, 14);
    expect(sum(small) / 196).toBeCloseTo(sum(d) / 784, 5);
    const back = resizeImage(small, 14, 14, 28, 28);
    let err = 0;
    for (let i = 0; i < 784; i++) err += Math.abs(back[i] - d[i]);
    expect(err / sum(d)).toBeLessThan(0.8); // blurred, not lost
    expect(err / sum(d)).toBeGreaterThan(0.01); // and not a copy
  });

  it('refuses sizes that are not whole pixels, and a buffer of the wrong length', () => {
    expect(() => resizeImage(new Float32Array(4), 2, 2, 0, 3)).toThrow(
      'resizeImage: the new size must be integers >= 1. Received: 0 x 3.',
    );
    expect(() => resizeImage(new Float32Array(5), 2, 2, 3, 3)).toThrow(
      'resizeImage: expected 2 x 2 = 4 pixels; received 5. Pass the image width and height.',
    );
  });
});

describe('blurImage', () => {
  it('spreads a dot symmetrically and keeps its mass away from the edges; sigma 0 copies', () => {
    const dot = new Float32Array(21 * 21);
    dot[10 * 21 + 10] = 1;
    const soft = blurImage(dot, 21, 21, 1.5);
    expect(sum(soft)).toBeCloseTo(1, 5);
    expect(soft[10 * 21 + 9]).toBeCloseTo(soft[10 * 21 + 11], 7);
    expect(soft[9 * 21 + 10]).toBeCloseTo(soft[10 * 21 + 9], 7);
    expect(soft[10 * 21 + 10]).toBeLessThan(0.1);
    const copy = blurImage(digit(1), 28, 28, 0);
    expect(Array.from(copy)).toEqual(Array.from(digit(1)));
    expect(() => blurImage(dot, 21, 21, -1)).toThrow(
      'blurImage: sigma must be a number in [0, 100] pixels. Received: -1.',
    );
  });
});

describe('strokeImage', () => {
  const line = (): Float32Array => {
    const a = new Float32Array(11 * 11);
    for (let y = 0; y < 11; y++) a[y * 11 + 5] = 1;
    return a;
  };

  it('widens a 1-pixel line by the amount, thins a 5-pixel one, and blends a fraction', () => {
    expect(inkColumns(strokeImage(line(), 11, 11, 2), 11, 5)).toEqual([4, 5, 6]);
    expect(inkColumns(strokeImage(line(), 11, 11, 4), 11, 5)).toEqual([3, 4, 5, 6, 7]);
    const wide = strokeImage(line(), 11, 11, 4);
    expect(inkColumns(strokeImage(wide, 11, 11, -2), 11, 5)).toEqual([4, 5, 6]);
    const half = strokeImage(line(), 11, 11, 1);
    expect(half[5 * 11 + 4]).toBeCloseTo(0.5, 6);
    expect(Array.from(strokeImage(line(), 11, 11, 0))).toEqual(Array.from(line()));
  });

  it('grows and shrinks a real digit’s ink in step with the amount', () => {
    const d = digit(2);
    const masses = [-1, 0, 1, 2].map((a) => sum(strokeImage(d, 28, 28, a)));
    for (let i = 1; i < masses.length; i++) expect(masses[i]).toBeGreaterThan(masses[i - 1] * 1.1);
    expect(() => strokeImage(d, 28, 28, 17)).toThrow(
      'strokeImage: amount must be a number in [-16, 16] pixels. Received: 17.',
    );
  });
});

describe('slantOf and deskewImage', () => {
  /** A 28 x 28 bar, 2 px wide and 16 tall, leaning by `lean` pixels per row (positive: the top leans left). */
  function bar(lean: number): Float32Array {
    const img = new Float32Array(784);
    for (let y = 6; y < 22; y++) {
      const x = 13.5 + lean * (y - 13.5);
      for (let dx = -1; dx <= 1; dx++) {
        const px = Math.round(x) + dx;
        if (px >= 0 && px < 28) img[y * 28 + px] = dx === 0 ? 1 : 0.5;
      }
    }
    return img;
  }

  it('measures a lean as pixels per row and stands it upright', () => {
    for (const lean of [-0.4, -0.2, 0.25, 0.5]) {
      const img = bar(lean);
      expect(slantOf(img, 28, 28)).toBeCloseTo(lean, 1);
      const upright = deskewImage(img, 28, 28);
      expect(Math.abs(slantOf(upright, 28, 28))).toBeLessThan(0.03);
      // Nothing falls off the sides: the ink is all there.
      const ink = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
      expect(ink(upright)).toBeCloseTo(ink(img), 3);
    }
  });

  it('leaves an upright or empty image as it is, and caps the shear at maxSlant', () => {
    const upright = bar(0);
    expect(Array.from(deskewImage(upright, 28, 28))).toEqual(Array.from(upright));
    expect(Array.from(deskewImage(new Float32Array(784), 28, 28))).toEqual(new Array(784).fill(0));
    // A lean of 0.5 capped at 0.2 keeps 0.3 of it.
    expect(slantOf(deskewImage(bar(0.5), 28, 28, 0.2), 28, 28)).toBeCloseTo(0.3, 1);
    // A single row has no vertical spread to measure a slant by.
    expect(slantOf(Float32Array.from([0, 1, 1, 0]), 4, 1)).toBe(0);
  });

  it('refuses a bad size or cap', () => {
    expect(() => deskewImage(new Float32Array(10), 28, 28)).toThrow(
      'slantOf: expected 28 x 28 = 784 pixels; received 10',
    );
    expect(() => deskewImage(new Float32Array(784), 28, 28, Number.NaN)).toThrow(
      'deskewImage: maxSlant must be a number in [0, 4] pixels per row. Received: NaN.',
    );
  });
});
