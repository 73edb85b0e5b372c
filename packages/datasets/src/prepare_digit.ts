import { NeuriteError } from '@neurite/core';
import { resizeImage, strokeImage } from './image_ops.js';

/** RGBA pixels, row-major, as a PNG/JPEG decoder or a canvas's getImageData gives them. */
export interface RgbaPixels {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** Luminance in [0, 1] per pixel, transparent pixels composited over white. */
function greyOf(img: RgbaPixels): Float32Array {
  const n = img.width * img.height;
  const grey = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = img.data[4 * i + 3] / 255;
    const lum = 0.299 * img.data[4 * i] + 0.587 * img.data[4 * i + 1] + 0.114 * img.data[4 * i + 2];
    grey[i] = (a * lum + (1 - a) * 255) / 255;
  }
  return grey;
}

function quantile(values: Float32Array | number[], q: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
}

/**
 * A frame around the paper (a photo of a white page on a dark table, a scan's dark margin, a white mat
 * around a dark picture): the outermost rings of pixels all one even shade, and further in, a ring of the
 * opposite polarity. Judged from the outer border, the frame would be the paper and the paper ink. When
 * one is found, its rings (and up to two rings of blur between it and the paper) are painted the paper's
 * shade, in place, so that everything after sees the page alone. Only for images 24 pixels or more a
 * side, and a frame at most a sixth of the shorter side deep; a digit touching the border makes the outer
 * ring uneven, so it is never taken for a frame; nor is a margin round a bold digit cropped close or round
 * a box printed on a form, since inside such a ring the other shade is far more than a digit's strokes.
 */
/** The largest share of a framed page's pixels that may be of the other shade (the digit's strokes). */
const MAX_PAGE_INK = 0.25;

function paintFrame(grey: Float32Array, w: number, h: number): void {
  if (Math.min(w, h) < 24) return;
  const deepest = Math.floor(Math.min(w, h) / 6);
  const ring = (d: number): number[] => {
    const values: number[] = [];
    for (let x = d; x < w - d; x++) values.push(grey[d * w + x], grey[(h - 1 - d) * w + x]);
    for (let y = d + 1; y < h - 1 - d; y++) values.push(grey[y * w + d], grey[y * w + w - 1 - d]);
    return values;
  };
  const even = (v: number[]) => quantile(v, 0.9) - quantile(v, 0.1) < 0.2;
  const outer = ring(0);
  if (!even(outer)) return;
  const frame = quantile(outer, 0.5);
  let depth = 0; // rings of the frame itself
  while (depth + 1 <= deepest) {
    const r = ring(depth + 1);
    if (!even(r) || Math.abs(quantile(r, 0.5) - frame) > 0.15) break;
    depth++;
  }
  // The paper: within two rings past the frame, a ring whose shade is of the other polarity, far from the
  // frame's, and the same in the ring inside it (a ring of blur is halfway, and the next one is not).
  for (let d = depth + 1; d <= Math.min(deepest, depth + 3); d++) {
    const edge = ring(d);
    const paper = quantile(edge, 0.5);
    if (Math.abs(paper - frame) <= 0.35 || paper > 0.5 === frame > 0.5 || !even(edge)) continue;
    if (Math.abs(quantile(ring(d + 1), 0.5) - paper) > 0.1) continue;
    // And the page is nearly all of what is inside, the digit's strokes a small part of it. A white margin
    // round a bold digit cropped close (its strokes hug the box) or round a box printed on a form, with
    // a digit in it, is an even ring too, but inside it the other shade is a large part: not a page.
    let other = 0;
    let inside = 0;
    for (let y = d; y < h - d; y++)
      for (let x = d; x < w - d; x++) {
        inside++;
        if (grey[y * w + x] > 0.5 !== paper > 0.5) other++;
      }
    if (other > MAX_PAGE_INK * inside) return;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) if (Math.min(x, y, w - 1 - x, h - 1 - y) < d) grey[y * w + x] = paper;
    return;
  }
}

/**
 * Ink in [0, 1] per pixel (1 = the darkest or lightest stroke), whatever the polarity, the paper's shade,
 * the contrast and the lighting. The paper's polarity comes from the border (inside a frame, if the
 * picture has one: paintFrame); its level is estimated
 * locally, on a grid of cells, so a shadow across a photo is paper and not ink. Background noise below a
 * quarter of the ink's strength is cleared.
 */
export function inkOf(img: RgbaPixels): Float32Array {
  const { width: w, height: h } = img;
  const grey = greyOf(img);
  paintFrame(grey, w, h);
  const border: number[] = [];
  for (let x = 0; x < w; x++) border.push(grey[x], grey[(h - 1) * w + x]);
  for (let y = 0; y < h; y++) border.push(grey[y * w], grey[y * w + w - 1]);
  const lightPaper = quantile(border, 0.5) > 0.5;
  // Work on "darkness" (ink bright), so light paper and dark paper are one case.
  const dark = lightPaper ? grey.map((v) => 1 - v) : grey;
  // Paper level: from the border when it is even; otherwise per cell, the 30th percentile of darkness
  // (paper is most of a cell), smoothed and interpolated. Images under 24 pixels a side take the border's.
  const paper = new Float32Array(w * h);
  const edge = lightPaper ? border.map((v) => 1 - v) : border;
  // An evenly lit border means evenly lit paper: one level. A shadow shows as a spread along the border.
  if (Math.min(w, h) < 24 || quantile(edge, 0.9) - quantile(edge, 0.1) < 0.12) {
    paper.fill(quantile(edge, 0.5));
  } else {
    const cells = 8;
    const level = new Float32Array(cells * cells);
    for (let cy = 0; cy < cells; cy++)
      for (let cx = 0; cx < cells; cx++) {
        const vals: number[] = [];
        for (let y = Math.floor((cy * h) / cells); y < Math.floor(((cy + 1) * h) / cells); y++)
          for (let x = Math.floor((cx * w) / cells); x < Math.floor(((cx + 1) * w) / cells); x++)
            vals.push(dark[y * w + x]);
        level[cy * cells + cx] = quantile(vals, 0.3);
      }
    // A cell under a thick stroke reads darker than the cells around it: it takes their median instead.
    // A shadow darkens neighbours alike, so it is kept.
    const smooth = new Float32Array(cells * cells);
    for (let cy = 0; cy < cells; cy++)
      for (let cx = 0; cx < cells; cx++) {
        const around: number[] = [];
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const [x, y] = [cx + dx, cy + dy];
            if ((dx || dy) && x >= 0 && y >= 0 && x < cells && y < cells) around.push(level[y * cells + x]);
          }
        const median = quantile(around, 0.5);
        smooth[cy * cells + cx] = level[cy * cells + cx] > median + 0.1 ? median : level[cy * cells + cx];
      }
    for (let y = 0; y < h; y++) {
      const v = ((y + 0.5) / h) * cells - 0.5; // past the outer cells' centres: extrapolated
      const j = Math.max(0, Math.min(cells - 2, Math.floor(v)));
      const b = v - j;
      for (let x = 0; x < w; x++) {
        const u = ((x + 0.5) / w) * cells - 0.5;
        const i = Math.max(0, Math.min(cells - 2, Math.floor(u)));
        const a = u - i;
        const k = j * cells + i;
        paper[y * w + x] =
          (1 - a) * (1 - b) * smooth[k] +
          a * (1 - b) * smooth[k + 1] +
          (1 - a) * b * smooth[k + cells] +
          a * b * smooth[k + cells + 1];
      }
    }
  }
  const ink = new Float32Array(w * h);
  // Light falls on paper and ink alike: on light paper, ink is the share of the paper's light it takes
  // away (1 - grey / paper), so a shadow changes nothing. On dark paper, light ink adds to it.
  for (let i = 0; i < ink.length; i++) {
    ink[i] = lightPaper
      ? Math.max(0, 1 - (1 - dark[i]) / Math.max(0.02, 1 - paper[i]))
      : Math.max(0, dark[i] - paper[i]);
  }
  // Contrast: the strongest ink (a high percentile of the inked pixels, so one hot pixel does not set it) is 1.
  const inked = ink.filter((v) => v > 0.02);
  if (inked.length === 0) return ink;
  const strong = Math.max(quantile(inked, 0.95), ink.reduce((a, b) => Math.max(a, b), 0) * 0.5);
  if (strong < 0.05) return new Float32Array(w * h);
  const floor = 0.1;
  for (let i = 0; i < ink.length; i++) ink[i] = Math.min(1, Math.max(0, (ink[i] / strong - floor) / (1 - floor)));
  return ink;
}

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
/** The fewest pixels a digit's ink may span (its box's longer side) for prepareDigit to read it. */
const MIN_SPAN = 5;

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
