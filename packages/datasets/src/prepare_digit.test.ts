import { prepareDigit } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

function canvas(w: number, h: number, paper: number, ink: number, box: [number, number, number, number]) {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const on = x >= box[0] && x < box[2] && y >= box[1] && y < box[3];
      data.fill(on ? ink : paper, (y * w + x) * 4, (y * w + x) * 4 + 3);
      data[(y * w + x) * 4 + 3] = 255;
    }
  return { width: w, height: h, data };
}

function centre(p: Float32Array) {
  let m = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < 784; i++) {
    m += p[i];
    cx += p[i] * (i % 28);
    cy += p[i] * Math.floor(i / 28);
  }
  return [cx / m, cy / m];
}

describe('prepareDigit', () => {
  it('crops, fits in 20x20 and centres by mass, whatever the polarity', () => {
    // An off-centre dark bar on white paper, 100x100.
    const dark = prepareDigit(canvas(100, 100, 255, 0, [10, 5, 30, 65]));
    const light = prepareDigit(canvas(100, 100, 0, 255, [10, 5, 30, 65]));
    expect(light).toEqual(dark);
    const [cx, cy] = centre(dark);
    expect(Math.abs(cx - 13.5)).toBeLessThan(1);
    expect(Math.abs(cy - 13.5)).toBeLessThan(1);
    // The bar is 60 tall: it becomes 20 tall, 7 wide (20 * 20/60 rounds to 7).
    const rows = new Set<number>();
    const cols = new Set<number>();
    dark.forEach((v, i) => {
      if (v > 0.5) {
        rows.add(Math.floor(i / 28));
        cols.add(i % 28);
      }
    });
    expect(rows.size).toBe(20);
    expect(cols.size).toBe(7);
    expect(Math.max(...dark)).toBe(1);
  });

  it('says when there is no ink', () => {
    expect(() => prepareDigit(canvas(10, 10, 255, 255, [0, 0, 0, 0]))).toThrow(
      'prepareDigit: the image has no visible ink.',
    );
  });
});
