import { NeuriteError } from '@neurite/core';

/** RGBA pixels, row-major, as a PNG/JPEG decoder or a canvas's getImageData gives them. */
export interface RgbaPixels {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** Grey ink intensity in [0, 1] per pixel (1 = ink), whatever the polarity and transparency of the image. */
export function inkOf(img: RgbaPixels): Float32Array {
  const n = img.width * img.height;
  const grey = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [r, g, b, a] = [img.data[4 * i], img.data[4 * i + 1], img.data[4 * i + 2], img.data[4 * i + 3] / 255];
    // Transparent pixels are paper: composite over white.
    grey[i] = (a * (0.299 * r + 0.587 * g + 0.114 * b) + (1 - a) * 255) / 255;
  }
  // MNIST digits are light ink on a dark background. Decide the paper colour from the border.
  let border = 0;
  let count = 0;
  for (let x = 0; x < img.width; x++) {
    border += grey[x] + grey[(img.height - 1) * img.width + x];
    count += 2;
  }
  for (let y = 0; y < img.height; y++) {
    border += grey[y * img.width] + grey[y * img.width + img.width - 1];
    count += 2;
  }
  const lightPaper = border / count > 0.5;
  const ink = new Float32Array(n);
  const paper = lightPaper ? 1 : 0;
  for (let i = 0; i < n; i++) ink[i] = Math.max(0, Math.abs(grey[i] - paper) - 0.08) / 0.92;
  return ink;
}

function sample(src: Float32Array, w: number, h: number, x: number, y: number): number {
  if (x < 0 || y < 0 || x > w - 1 || y > h - 1) return 0;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const fx = x - x0;
  const fy = y - y0;
  const top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
  const bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * Prepares a drawn or photographed digit the way MNIST's digits were prepared: crop to the ink, scale it to fit a 20 x 20 box (keeping its aspect ratio,
 * averaging 4 x 4 samples per pixel so that large images shrink smoothly), and place it in 28 x 28 so
 * that its centre of mass is the centre. Returns 784 values in [0, 1], light ink on dark, ready for a model
 * trained on MNIST. Works on any size, grey or colour, with or without alpha, dark ink on light paper or
 * light on dark.
 *
 * @example
 * ```ts
 * import { prepareDigit } from '@neurite/datasets';
 * // A 4x4 white image with a dark 2x2 square in it.
 * const data = new Uint8Array(64).fill(255);
 * for (const i of [5, 6, 9, 10]) data.fill(0, i * 4, i * 4 + 3);
 * const pixels = prepareDigit({ width: 4, height: 4, data });
 * console.log(pixels.length); // 784
 * ```
 */
export function prepareDigit(img: RgbaPixels): Float32Array {
  const ink = inkOf(img);
  const { width: w, height: h } = img;
  const max = ink.reduce((a, b) => Math.max(a, b), 0);
  if (max < 0.05) {
    throw new NeuriteError(
      'prepareDigit: the image has no visible ink. Expected a digit darker or lighter than its paper; received an image of one shade.',
    );
  }
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (ink[y * w + x] > 0.2 * max) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  const box = new Float32Array(tw * th);
  const S = 4;
  for (let ty = 0; ty < th; ty++)
    for (let tx = 0; tx < tw; tx++) {
      let sum = 0;
      for (let sy = 0; sy < S; sy++)
        for (let sx = 0; sx < S; sx++) {
          const u = x0 + ((tx + (sx + 0.5) / S) / tw) * bw - 0.5;
          const v = y0 + ((ty + (sy + 0.5) / S) / th) * bh - 0.5;
          sum += sample(ink, w, h, u, v);
        }
      box[ty * tw + tx] = sum / (S * S);
    }
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
