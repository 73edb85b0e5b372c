import { prepareDigit, squareDigit, strokeWidthOf } from '@neurite/datasets';
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
    const dark = prepareDigit(canvas(100, 100, 255, 0, [10, 5, 16, 65]));
    const light = prepareDigit(canvas(100, 100, 0, 255, [10, 5, 16, 65]));
    expect(light).toEqual(dark);
    const [cx, cy] = centre(dark);
    expect(Math.abs(cx - 13.5)).toBeLessThan(1);
    expect(Math.abs(cy - 13.5)).toBeLessThan(1);
    // The bar is 60 tall and 6 wide, a pen's stroke: it becomes 20 tall, 2 wide.
    const rows = new Set<number>();
    const cols = new Set<number>();
    dark.forEach((v, i) => {
      if (v > 0.5) {
        rows.add(Math.floor(i / 28));
        cols.add(i % 28);
      }
    });
    expect(rows.size).toBe(20);
    expect(cols.size).toBe(2);
    expect(Math.max(...dark)).toBe(1);
  });

  it('says when there is no ink', () => {
    expect(() => prepareDigit(canvas(10, 10, 255, 255, [0, 0, 0, 0]))).toThrow(
      'prepareDigit: the image has no visible ink.',
    );
  });
});

/** A 1-pixel-per-unit ring (a 0) of radius r, dark ink on a given paper, with optional extras drawn in. */
function ring(
  w: number,
  h: number,
  paper: (x: number, y: number) => number,
  ink: number,
  extra: [number, number, number][] = [],
  light: (x: number) => number = () => 1,
) {
  const data = new Uint8Array(w * h * 4);
  const [cx, cy, r] = [w / 2, h / 2, Math.min(w, h) * 0.3];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const d = Math.hypot((x - cx) / 0.7, y - cy);
      let on = Math.abs(d - r) < r * 0.15;
      for (const [ex, ey, er] of extra) on ||= Math.hypot(x - ex, y - ey) <= er;
      data.fill(Math.round((on ? ink : paper(x, y)) * light(x)), (y * w + x) * 4, (y * w + x) * 4 + 3);
      data[(y * w + x) * 4 + 3] = 255;
    }
  return { width: w, height: h, data };
}

describe('prepareDigit on pictures from cameras and scanners', () => {
  const clean = prepareDigit(ring(100, 100, () => 245, 20));
  const diff = (a: Float32Array) =>
    a.reduce((s, v, i) => s + Math.abs(v - clean[i]), 0) / clean.reduce((s, v) => s + v, 0);

  it('reads grey ink on grey paper, and a shadow across the page, as it reads black on white', () => {
    expect(diff(prepareDigit(ring(100, 100, () => 190, 140)))).toBeLessThan(0.1);
    // Light falling from full on the left to 45% on the right: paper and ink darken alike.
    const shadow = prepareDigit(
      ring(
        100,
        100,
        () => 245,
        40,
        [],
        (x) => 1 - 0.0055 * x,
      ),
    );
    expect(diff(shadow)).toBeLessThan(0.25);
    expect(Math.max(...shadow)).toBe(1);
  });

  it('drops specks far from the digit, so they do not move the crop', () => {
    const specks = prepareDigit(
      ring(100, 100, () => 245, 20, [
        [3, 3, 1.5],
        [96, 50, 1.5],
        [50, 97, 1],
      ]),
    );
    expect(diff(specks)).toBeLessThan(0.05);
  });

  it("reads a page inside a frame (a table around it, a scan's margin) as the page alone", () => {
    // A frame `depth` pixels deep of one shade all round, with a ring of blur between it and the page.
    const framed = (img: ReturnType<typeof ring>, depth: number, shade: number) => {
      const out = { ...img, data: Uint8Array.from(img.data) };
      for (let y = 0; y < img.height; y++)
        for (let x = 0; x < img.width; x++) {
          const d = Math.min(x, y, img.width - 1 - x, img.height - 1 - y);
          const i = (y * img.width + x) * 4;
          if (d <= depth) out.data.fill(d < depth ? shade : Math.round((shade + img.data[i]) / 2), i, i + 3);
        }
      return out;
    };
    for (const [depth, shade] of [
      [1, 0],
      [4, 70],
      [12, 30],
    ]) {
      // Judged from its outer border, the page would be the ink: a 0 read as a filled box.
      expect(
        diff(
          prepareDigit(
            framed(
              ring(100, 100, () => 245, 20),
              depth,
              shade,
            ),
          ),
        ),
      ).toBe(0);
    }
    // A white mat around a dark picture of a light digit.
    const dark = ring(100, 100, () => 10, 235);
    expect(diff(prepareDigit(framed(dark, 5, 250)))).toBe(diff(prepareDigit(dark)));
  });

  it('never takes a box printed round a digit on a form for a frame', () => {
    // A 0 inside a box line 3 px thick, 6 px in from the picture's edge: white inside and out.
    const boxed = ring(100, 100, () => 255, 20);
    for (let y = 0; y < 100; y++)
      for (let x = 0; x < 100; x++) {
        const d = Math.min(x, y, 99 - x, 99 - y);
        if (d >= 6 && d < 9) boxed.data.fill(20, (y * 100 + x) * 4, (y * 100 + x) * 4 + 3);
      }
    // Read as a frame, the white margin would become the paper's shade and the page inside ink.
    const p = prepareDigit(boxed);
    expect(p[14 * 28 + 14]).toBe(0);
  });

  it('never takes a digit that touches the border for a frame', () => {
    // A 7 cropped tight: its bar is the whole top row, its stem reaches the bottom.
    const seven = canvas(60, 80, 255, 0, [0, 0, 60, 8]);
    for (let y = 8; y < 80; y++) {
      const x = Math.round(52 - (y - 8) * 0.4);
      seven.data.fill(0, (y * 60 + x - 4) * 4, (y * 60 + x + 4) * 4);
      for (let k = x - 4; k < x + 4; k++) seven.data[(y * 60 + k) * 4 + 3] = 255;
    }
    const p = prepareDigit(seven);
    // The bar is still there: the digit's top row is inked across 12 of its 15 columns or more, not a lone stem.
    const first = Math.floor(p.findIndex((v) => v > 0.5) / 28);
    const bar = p.subarray(first * 28, first * 28 + 28).filter((v) => v > 0.5);
    expect(bar.length).toBeGreaterThanOrEqual(12);
  });

  it('refuses two digits side by side, and keeps a digit in two strokes', () => {
    const two = ring(200, 100, () => 245, 20);
    // A second ring: copy the left half's ring to the right.
    const one = ring(100, 100, () => 245, 20);
    for (let y = 0; y < 100; y++)
      for (let x = 0; x < 100; x++) {
        two.data.set(one.data.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 4), (y * 200 + x) * 4);
        two.data.set(one.data.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 4), (y * 200 + x + 100) * 4);
      }
    expect(() => prepareDigit(two)).toThrow(
      'prepareDigit: the image holds 2 separate marks side by side, like a number of several digits. Expected one digit; received more. Crop the image to a single digit.',
    );
    // A 5 drawn as two strokes: a bar over a hook, apart by a gap.
    const five = canvas(60, 80, 255, 0, [20, 10, 45, 16]);
    for (let y = 22; y < 70; y++)
      for (let x = 18; x < 26; x++) five.data.fill(0, (y * 60 + x) * 4, (y * 60 + x) * 4 + 3);
    expect(prepareDigit(five).reduce((s, v) => s + v, 0)).toBeGreaterThan(50);
  });
});

describe('stroke width', () => {
  it('measures a line’s width, and brings a hairline and a marker into MNIST’s range', () => {
    for (const wide of [1, 2, 3]) {
      const img = new Float32Array(20 * 20);
      for (let y = 2; y < 18; y++) for (let x = 9; x < 9 + wide; x++) img[y * 20 + x] = 1;
      expect(strokeWidthOf(img, 20, 20)).toBeCloseTo((2 * 16 * wide) / (2 * 16 + 2 * wide), 6);
    }
    // A ring drawn with a 1-pixel pen at 400 x 400 shrinks to a hairline; one drawn with a 70-pixel marker is a blob.
    const ringAt = (pen: number) => {
      const data = new Uint8Array(400 * 400 * 4).fill(255);
      for (let y = 0; y < 400; y++)
        for (let x = 0; x < 400; x++)
          if (Math.abs(Math.hypot((x - 200) / 0.7, y - 200) - 150) < pen / 2)
            data.fill(0, (y * 400 + x) * 4, (y * 400 + x) * 4 + 3);
      return prepareDigit({ width: 400, height: 400, data });
    };
    const widths = [2, 12, 70].map((pen) => strokeWidthOf(ringAt(pen), 28, 28));
    // The 2- and 12-pixel pens are hairlines at 28 x 28 (0.1 and 0.8 pixels), the 70-pixel marker 4.7.
    expect(widths[0]).toBeGreaterThanOrEqual(1.1);
    expect(widths[1]).toBeGreaterThanOrEqual(1.1); // a 1-pixel line measures 1.0: these were widened
    expect(widths[2]).toBeLessThanOrEqual(3.3);
    for (const w of widths) expect(w).toBeLessThanOrEqual(3.3);
  });
});

describe('squareDigit', () => {
  it('stretches the ink box to a square and prepares it as prepareDigit would', () => {
    const one = new Float32Array(784);
    for (let y = 4; y < 24; y++) one[y * 28 + 13] = one[y * 28 + 14] = 1;
    const wide = squareDigit(one, 28, 28);
    expect(wide.length).toBe(784);
    // The bar fills a box about 20 wide, centred by mass; its stroke is brought back to MNIST's widths.
    const cols = new Set<number>();
    const rows = new Set<number>();
    let mass = 0;
    let cx = 0;
    let cy = 0;
    wide.forEach((v, i) => {
      if (v > 0.3) {
        cols.add(i % 28);
        rows.add(Math.floor(i / 28));
      }
      mass += v;
      cx += v * (i % 28);
      cy += v * Math.floor(i / 28);
    });
    expect(cols.size).toBeGreaterThanOrEqual(18);
    expect(rows.size).toBeGreaterThanOrEqual(18);
    expect(cx / mass).toBeCloseTo(13.5, 0);
    expect(cy / mass).toBeCloseTo(13.5, 0);
    // An image without ink comes back empty; a wrong size is refused.
    expect(squareDigit(new Float32Array(784), 28, 28).every((v) => v === 0)).toBe(true);
    expect(() => squareDigit(new Float32Array(10), 28, 28)).toThrow(
      'squareDigit: expected 28 x 28 = 784 pixels; received 10',
    );
  });
});

describe('prepareDigit refuses specks', () => {
  it('refuses ink that spans fewer than 5 pixels, which would be blown up into a confident 0', () => {
    const speck = canvas(200, 200, 255, 200, [100, 100, 101, 101]);
    expect(() => prepareDigit(speck)).toThrow(
      'prepareDigit: the ink spans only 1 x 1 pixels, too small to be a digit. Expected a digit at least 5 pixels tall or wide',
    );
    // A 1 of 2 x 6 pixels is small but a digit.
    expect(prepareDigit(canvas(40, 40, 255, 0, [20, 17, 22, 23])).length).toBe(784);
  });
});
