import { NeuriteError } from '@neurite/core';
import { resizeImage, strokeImage } from './image_ops.js';
import { inkOf, type RgbaPixels } from './internal/ink.js';

export type { RgbaPixels } from './internal/ink.js';

interface Blob {
  area: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pixels: number[];
}

/** 8-connected regions of pixels over the threshold, largest first. */
function blobsOf(ink: Float32Array, w: number, h: number, threshold: number): Blob[] {
  const seen = new Uint8Array(w * h);
  const blobs: Blob[] = [];
  const stack: number[] = [];
  for (let s = 0; s < ink.length; s++) {
    if (seen[s] || ink[s] <= threshold) continue;
    const b: Blob = { area: 0, x0: w, y0: h, x1: -1, y1: -1, pixels: [] };
    seen[s] = 1;
    stack.push(s);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      const [x, y] = [p % w, Math.floor(p / w)];
      b.area++;
      b.pixels.push(p);
      b.x0 = Math.min(b.x0, x);
      b.y0 = Math.min(b.y0, y);
      b.x1 = Math.max(b.x1, x);
      b.y1 = Math.max(b.y1, y);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const q = ny * w + nx;
          if (!seen[q] && ink[q] > threshold) {
            seen[q] = 1;
            stack.push(q);
          }
        }
    }
    blobs.push(b);
  }
  return blobs.sort((a, b) => b.area - a.area);
}

/**
 * The ink of the digit alone: specks and marks far from the largest stroke are cleared. Throws when the
 * image holds two or more digit-sized marks side by side (a number, not a digit).
 */
function keepDigit(ink: Float32Array, w: number, h: number): Float32Array {
  const blobs = blobsOf(ink, w, h, 0.35);
  if (blobs.length <= 1) return ink;
  const main = blobs[0];
  const mh = main.y1 - main.y0 + 1;
  const mw = main.x1 - main.x0 + 1;
  const size = Math.max(mh, mw);
  // A part of the digit (the bar of a 5 or a 7, a 4's open stroke) is near the main stroke or large.
  const kept = blobs.filter((b, i) => {
    if (i === 0) return true;
    const gapX = Math.max(0, b.x0 - main.x1, main.x0 - b.x1);
    const gapY = Math.max(0, b.y0 - main.y1, main.y0 - b.y1);
    return (
      (b.area >= 0.15 * main.area && Math.max(gapX, gapY) <= 0.6 * size) ||
      (b.area >= 0.03 * main.area && Math.max(gapX, gapY) <= 0.3 * size)
    );
  });
  // Two digits side by side: tall marks of like size, apart, spanning a box wider than it is tall.
  const tall = blobs.filter((b) => b.area >= 0.4 * main.area && b.y1 - b.y0 + 1 >= 0.6 * mh);
  for (const b of tall) {
    if (b === main) continue;
    const gapX = Math.max(b.x0 - main.x1, main.x0 - b.x1);
    const spanX = Math.max(b.x1, main.x1) - Math.min(b.x0, main.x0) + 1;
    const spanY = Math.max(b.y1, main.y1) - Math.min(b.y0, main.y0) + 1;
    if (gapX > 0.2 * mh && spanX > spanY) {
      throw new NeuriteError(
        `prepareDigit: the image holds ${tall.length} separate marks side by side, like a number of several digits. ` +
          'Expected one digit; received more. Crop the image to a single digit.',
      );
    }
  }
  const keep = new Float32Array(w * h);
  for (const b of kept) for (const p of b.pixels) keep[p] = 1;
  // The faint edge of a kept stroke (under the threshold) stays: pixels within 2 of a kept one, found by
  // two separable 3 x 3 dilations (a 5 x 5 square) rather than a search around every pixel.
  const near = strokeImage(keep, w, h, 4);
  const out = new Float32Array(w * h);
  for (let i = 0; i < out.length; i++) if (near[i] > 0.5) out[i] = ink[i];
  return out;
}

/**
 * A stroke's width in pixels, estimated as 2 x inked area / boundary edges of the pixels over half the
 * peak (a line of width w and length L has area wL and 2L boundary edges). MNIST's digits measure 1.3 to
 * 3.1 pixels (5th to 95th percentile), median 2.0.
 *
 * @example
 * ```ts
 * import { strokeWidthOf } from '@neurite/datasets';
 * const line = new Float32Array(100); // 10 x 10, a vertical line 2 pixels wide and 10 long
 * for (let y = 0; y < 10; y++) line[y * 10 + 4] = line[y * 10 + 5] = 1;
 * // 40 pixels over 24 boundary edges: the ends count as edges too.
 * console.log(strokeWidthOf(line, 10, 10).toFixed(2)); // 1.67
 * ```
 */
export function strokeWidthOf(image: Float32Array, width: number, height: number): number {
  const peak = image.reduce((a, b) => Math.max(a, b), 0);
  const on = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && image[y * width + x] > peak / 2;
  let area = 0;
  let edges = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (!on(x, y)) continue;
      area++;
      edges += (on(x + 1, y) ? 0 : 1) + (on(x - 1, y) ? 0 : 1) + (on(x, y + 1) ? 0 : 1) + (on(x, y - 1) ? 0 : 1);
    }
  return edges > 0 ? (2 * area) / edges : 0;
}

/** MNIST's range of stroke widths: a prepared digit outside it is widened or thinned into it. */
const THINNEST = 1.5;
const THICKEST = 3.0;

/**
 * Brings a fitted digit's strokes into MNIST's range of widths: a hairline from a fine pen on a large
 * scan is widened, a marker's stroke thinned, so the model sees the strokes it learned from.
 */
function normalizeStroke(box: Float32Array, w: number, h: number): Float32Array {
  const peak = box.reduce((a, b) => Math.max(a, b), 0);
  if (peak <= 0) return box;
  const scaled = box.map((v) => v / peak);
  const width = strokeWidthOf(scaled, w, h);
  // Fractions of a 3 x 3 step, so the new edge is grey as a scan's is (whole steps measured worse on bench robust).
  if (width > 0 && width < THINNEST) return strokeImage(scaled, w, h, Math.min(2, 1.9 - width));
  if (width > THICKEST) return strokeImage(scaled, w, h, -Math.min(2, width - 2.4));
  return scaled;
}

/** The fewest pixels a digit's ink may span (its box's longer side) for prepareDigit to read it. */
const MIN_SPAN = 5;

/**
 * Prepares a drawn, scanned or photographed digit the way MNIST's digits were prepared: find the ink
 * (whatever the paper's shade, the lighting and the polarity, and inside a frame of table or margin
 * around the page), drop specks away from the digit, crop to
 * the ink, scale it to fit a 20 x 20 box (keeping its aspect ratio; area-averaged when it shrinks, bilinear
 * when it grows), bring its strokes into MNIST's range of widths (1.5 to 3 pixels), and place it in 28 x 28 so that its centre of mass is the centre. Returns 784 values in
 * [0, 1], light ink on dark, ready for a model trained on MNIST. Throws a NeuriteError when the image has
 * no ink, or holds several digits side by side.
 *
 * @example
 * ```ts
 * import { prepareDigit } from '@neurite/datasets';
 * // An 8x8 white image with a dark bar 2 pixels wide and 6 tall in it: a 1.
 * const data = new Uint8Array(8 * 8 * 4).fill(255);
 * for (let y = 1; y < 7; y++) for (const x of [3, 4]) data.fill(0, (y * 8 + x) * 4, (y * 8 + x) * 4 + 3);
 * const pixels = prepareDigit({ width: 8, height: 8, data });
 * console.log(pixels.length); // 784
 * ```
 */
export function prepareDigit(img: RgbaPixels): Float32Array {
  const { width: w, height: h } = img;
  const raw = inkOf(img);
  if (raw.reduce((a, b) => Math.max(a, b), 0) < 0.05) {
    throw new NeuriteError(
      'prepareDigit: the image has no visible ink. Expected a digit darker or lighter than its paper; received an image of one shade.',
    );
  }
  const crop = inkCrop(keepDigit(raw, w, h), w, h);
  if (!crop) {
    throw new NeuriteError(
      'prepareDigit: the image has no ink strong enough to read. Expected a digit clearly darker or lighter than its paper; received only faint marks.',
    );
  }
  // A speck scaled up to fill 20 x 20 reads as a confident 0; a digit, even at 8 x 8, spans 5 pixels or more.
  if (Math.max(crop.width, crop.height) < MIN_SPAN) {
    throw new NeuriteError(
      `prepareDigit: the ink spans only ${crop.width} x ${crop.height} pixels, too small to be a digit. ` +
        `Expected a digit at least ${MIN_SPAN} pixels tall or wide; received a speck. Crop closer to the digit or photograph it larger.`,
    );
  }
  return placeCrop(crop);
}

/** The ink above 0.1 cut out to its bounding box; null when there is none. */
function inkCrop(
  ink: Float32Array,
  w: number,
  h: number,
): { pixels: Float32Array; width: number; height: number } | null {
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (ink[y * w + x] > 0.1) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  if (x1 < 0) return null;
  const width = x1 - x0 + 1;
  const height = y1 - y0 + 1;
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++) pixels.set(ink.subarray((y0 + y) * w + x0, (y0 + y) * w + x0 + width), y * width);
  return { pixels, width, height };
}

/**
 * The part of prepareDigit after the ink is cut out: fit it in 20 x 20 keeping its aspect ratio, bring its
 * strokes into MNIST's widths, and centre it by mass in 28 x 28.
 */
function placeCrop({
  pixels: crop,
  width: bw,
  height: bh,
}: {
  pixels: Float32Array;
  width: number;
  height: number;
}): Float32Array {
  const scale = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.min(20, Math.round(bw * scale)));
  const th = Math.max(1, Math.min(20, Math.round(bh * scale)));
  const box = normalizeStroke(resizeImage(crop, bw, bh, tw, th), tw, th);
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const m = box[y * tw + x];
      mass += m;
      cx += m * x;
      cy += m * y;
    }
  cx /= mass;
  cy /= mass;
  const ox = Math.round(13.5 - cx);
  const oy = Math.round(13.5 - cy);
  const out = new Float32Array(784);
  const peak = box.reduce((a, b) => Math.max(a, b), 0) || 1;
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const X = x + ox;
      const Y = y + oy;
      if (X >= 0 && X < 28 && Y >= 0 && Y < 28) out[Y * 28 + X] = Math.min(1, box[y * tw + x] / peak);
    }
  return out;
}

/**
 * A digit as it reaches a model after a form reader normalised its size to a square (as USPS's and NIST's
 * forms were, and so UCI's 8 x 8 digits): the ink's box stretched to fill a square, then prepared as
 * prepareDigit prepares a picture (fit in 20 x 20, strokes to MNIST's widths, centred by mass). A thin 1
 * becomes a wide slanted bar; the MNIST CLI trains on some of these so that it reads one. Takes and
 * returns ink in [0, 1] (light on dark), width x height in, 28 x 28 out; an image without ink comes back
 * empty.
 *
 * @example
 * ```ts
 * import { squareDigit } from '@neurite/datasets';
 * // A 1 as a bar 2 pixels wide and 20 tall: stretched, it fills a 20 x 20 box.
 * const one = new Float32Array(784);
 * for (let y = 4; y < 24; y++) one[y * 28 + 13] = one[y * 28 + 14] = 1;
 * const wide = squareDigit(one, 28, 28);
 * console.log(wide.length, wide.filter((v) => v > 0.5).length > 40); // 784 true
 * ```
 */
export function squareDigit(image: Float32Array, width: number, height: number): Float32Array {
  if (image.length !== width * height || !(width >= 1 && height >= 1)) {
    throw new NeuriteError(
      `squareDigit: expected ${width} x ${height} = ${width * height} pixels; received ${image.length}. Pass the image width and height.`,
    );
  }
  const crop = inkCrop(image, width, height);
  if (!crop) return new Float32Array(784);
  // A form's reader normalised to 16 x 16 or 32 x 32; 20 is MNIST's box, so nothing is lost twice.
  const square = inkCrop(resizeImage(crop.pixels, crop.width, crop.height, 20, 20), 20, 20);
  return square ? placeCrop(square) : new Float32Array(784);
}
