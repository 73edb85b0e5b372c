import { NeuriteError } from '@neurite/core';

// Grey-image operations shared by augmentation (augment.ts) and the robustness benchmark's degradations:
// each takes a row-major Float32Array of width x height values (ink in [0, 1]) and returns a new array.

function checkSize(where: string, image: Float32Array, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new NeuriteError(`${where}: width and height must be integers >= 1. Received: ${width} x ${height}.`);
  }
  if (image.length !== width * height) {
    throw new NeuriteError(
      `${where}: expected ${width} x ${height} = ${width * height} pixels; received ${image.length}. ` +
        'Pass the image width and height.',
    );
  }
}

/**
 * Resizes a grey image. Shrinking averages the source area under each output pixel (no aliasing);
 * enlarging samples bilinearly between pixel centres.
 *
 * @example
 * ```ts
 * import { resizeImage } from '@neurite/datasets';
 * const small = resizeImage(new Float32Array(784).fill(0.5), 28, 28, 14, 14);
 * console.log(small.length, small[0]); // 196 0.5
 * ```
 */
export function resizeImage(
  image: Float32Array,
  width: number,
  height: number,
  newWidth: number,
  newHeight: number,
): Float32Array {
  checkSize('resizeImage', image, width, height);
  if (!Number.isInteger(newWidth) || !Number.isInteger(newHeight) || newWidth < 1 || newHeight < 1) {
    throw new NeuriteError(`resizeImage: the new size must be integers >= 1. Received: ${newWidth} x ${newHeight}.`);
  }
  const xs = axis(width, newWidth);
  const ys = axis(height, newHeight);
  const out = new Float32Array(newWidth * newHeight);
  // Separable: rows first into a newWidth x height buffer, then columns.
  const rows = new Float32Array(newWidth * height);
  for (let y = 0; y < height; y++) {
    const r = y * width;
    for (let x = 0; x < newWidth; x++) {
      let v = 0;
      for (let k = xs.start[x]; k < xs.start[x + 1]; k++) v += xs.weight[k] * image[r + xs.index[k]];
      rows[y * newWidth + x] = v;
    }
  }
  for (let y = 0; y < newHeight; y++) {
    for (let k = ys.start[y]; k < ys.start[y + 1]; k++) {
      const w = ys.weight[k];
      const r = ys.index[k] * newWidth;
      for (let x = 0; x < newWidth; x++) out[y * newWidth + x] += w * rows[r + x];
    }
  }
  return out;
}

interface Axis {
  start: Int32Array;
  index: Int32Array;
  weight: Float32Array;
}
const axes = new Map<number, Axis>();

/** Weights from n source pixels to m output pixels along one axis (cached: augmentation asks often). */
function axis(n: number, m: number): Axis {
  const key = n * 65536 + m;
  let a = axes.get(key);
  if (!a) {
    if (axes.size > 4096) axes.clear();
    a = makeAxis(n, m);
    axes.set(key, a);
  }
  return a;
}

/** Box averaging down, linear up. */
function makeAxis(n: number, m: number): Axis {
  const index: number[] = [];
  const weight: number[] = [];
  const start = new Int32Array(m + 1);
  const scale = n / m;
  for (let i = 0; i < m; i++) {
    start[i] = index.length;
    if (scale > 1) {
      const lo = i * scale;
      const hi = lo + scale;
      for (let k = Math.floor(lo); k < Math.min(n, Math.ceil(hi)); k++) {
        const overlap = Math.min(hi, k + 1) - Math.max(lo, k);
        if (overlap > 0) {
          index.push(k);
          weight.push(overlap / scale);
        }
      }
    } else {
      const c = Math.min(n - 1, Math.max(0, (i + 0.5) * scale - 0.5));
      const k = Math.floor(c);
      const f = c - k;
      index.push(k);
      weight.push(1 - f);
      if (f > 0 && k + 1 < n) {
        index.push(k + 1);
        weight.push(f);
      }
    }
  }
  start[m] = index.length;
  return { start, index: Int32Array.from(index), weight: Float32Array.from(weight) };
}

/**
 * Gaussian blur with standard deviation sigma pixels (separable, edges clamped). sigma 0 copies.
 *
 * @example
 * ```ts
 * import { blurImage } from '@neurite/datasets';
 * const dot = new Float32Array(25);
 * dot[12] = 1;
 * const soft = blurImage(dot, 5, 5, 1);
 * console.log(soft[12] < 1, soft[13] > 0); // true true
 * ```
 */
export function blurImage(image: Float32Array, width: number, height: number, sigma: number): Float32Array {
  checkSize('blurImage', image, width, height);
  if (!(sigma >= 0 && sigma <= 100)) {
    throw new NeuriteError(`blurImage: sigma must be a number in [0, 100] pixels. Received: ${sigma}.`);
  }
  if (sigma === 0) return image.slice();
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
    sum += kernel[i + radius];
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  const tmp = new Float32Array(width * height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const r = y * width;
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let k = -radius; k <= radius; k++) {
        const xx = x + k < 0 ? 0 : x + k >= width ? width - 1 : x + k;
        v += kernel[k + radius] * image[r + xx];
      }
      tmp[r + x] = v;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let k = -radius; k <= radius; k++) {
        const yy = y + k < 0 ? 0 : y + k >= height ? height - 1 : y + k;
        v += kernel[k + radius] * tmp[yy * width + x];
      }
      out[y * width + x] = v;
    }
  }
  return out;
}

/**
 * Thickens (amount > 0) or thins (amount < 0) the strokes of light ink on a dark ground by `amount`
 * pixels in all: each whole pixel is a 3 x 3 grey dilation (max) or erosion (min), and a fraction blends
 * the last step in, so widths change smoothly. amount 0 copies.
 *
 * @example
 * ```ts
 * import { strokeImage } from '@neurite/datasets';
 * const line = new Float32Array(25);
 * for (let y = 0; y < 5; y++) line[y * 5 + 2] = 1; // a vertical line, 1 pixel wide
 * const bold = strokeImage(line, 5, 5, 2);
 * console.log(bold[5 * 2 + 1], bold[5 * 2 + 3]); // 1 1
 * ```
 */
export function strokeImage(image: Float32Array, width: number, height: number, amount: number): Float32Array {
  checkSize('strokeImage', image, width, height);
  if (!(Math.abs(amount) <= 16)) {
    throw new NeuriteError(`strokeImage: amount must be a number in [-16, 16] pixels. Received: ${amount}.`);
  }
  const grow = amount > 0;
  // A 3 x 3 step changes the width by 2 pixels (one each side).
  const steps = Math.abs(amount) / 2;
  let current: Float32Array = image.slice();
  const whole = Math.floor(steps);
  for (let i = 0; i < whole; i++) current = morph3(current, width, height, grow);
  const frac = steps - whole;
  if (frac > 1e-6) {
    const next = morph3(current, width, height, grow);
    for (let i = 0; i < current.length; i++) current[i] += frac * (next[i] - current[i]);
  }
  return current;
}

/** A 3 x 3 grey dilation (max) or erosion (min), separable: along rows, then along columns. Outside is ground (0). */
function morph3(image: Float32Array, width: number, height: number, grow: boolean): Float32Array {
  const rows = new Float32Array(width * height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const r = y * width;
    for (let x = 0; x < width; x++) {
      const left = x > 0 ? image[r + x - 1] : 0;
      const right = x + 1 < width ? image[r + x + 1] : 0;
      const c = image[r + x];
      rows[r + x] = grow ? Math.max(left, c, right) : Math.min(left, c, right);
    }
  }
  for (let y = 0; y < height; y++) {
    const r = y * width;
    for (let x = 0; x < width; x++) {
      const up = y > 0 ? rows[r - width + x] : 0;
      const down = y + 1 < height ? rows[r + width + x] : 0;
      const c = rows[r + x];
      out[r + x] = grow ? Math.max(up, c, down) : Math.min(up, c, down);
    }
  }
  return out;
}

/**
 * The slant of a grey image's ink, from its moments: the horizontal shift per row down, cov(x, y) / var(y)
 * (negative when the top leans right). 0 for an image without ink or without height.
 */
export function slantOf(image: Float32Array, width: number, height: number): number {
  checkSize('slantOf', image, width, height);
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = image[y * width + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  if (!(mass > 0)) return 0;
  mx /= mass;
  my /= mass;
  let xy = 0;
  let yy = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = image[y * width + x];
      xy += v * (x - mx) * (y - my);
      yy += v * (y - my) * (y - my);
    }
  return yy > 1e-9 * mass ? xy / yy : 0;
}

/**
 * Deskews a grey image by its moments: shears each row sideways, about the ink's centre of mass, so that
 * the ink's main axis stands upright (the slant slantOf measures becomes 0). Slants are capped at
 * `maxSlant` pixels per row (default 1, a lean of 45 degrees), so a wide blob is not thrown off the image.
 * Sampled linearly along each row; ink sheared past the sides is lost, as from a crop.
 *
 * @example
 * ```ts
 * import { deskewImage, slantOf } from '@neurite/datasets';
 * // A 5 x 5 stroke leaning right: one pixel per row, from (4, 0) down to (0, 4).
 * const leaning = new Float32Array(25);
 * for (let y = 0; y < 5; y++) leaning[y * 5 + (4 - y)] = 1;
 * console.log(slantOf(leaning, 5, 5)); // -1
 * console.log(slantOf(deskewImage(leaning, 5, 5), 5, 5)); // 0
 * ```
 */
export function deskewImage(image: Float32Array, width: number, height: number, maxSlant = 1): Float32Array {
  if (!(maxSlant >= 0 && maxSlant <= 4)) {
    throw new NeuriteError(`deskewImage: maxSlant must be a number in [0, 4] pixels per row. Received: ${maxSlant}.`);
  }
  const slant = Math.max(-maxSlant, Math.min(maxSlant, slantOf(image, width, height)));
  const out = new Float32Array(width * height);
  if (slant === 0) {
    out.set(image);
    return out;
  }
  let mass = 0;
  let my = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      mass += image[y * width + x];
      my += image[y * width + x] * y;
    }
  my /= mass;
  for (let y = 0; y < height; y++) {
    const shift = slant * (y - my);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const sx = x + shift;
      const x0 = Math.floor(sx);
      const f = sx - x0;
      const a = x0 >= 0 && x0 < width ? image[row + x0] : 0;
      const b = x0 + 1 >= 0 && x0 + 1 < width ? image[row + x0 + 1] : 0;
      out[row + x] = a * (1 - f) + b * f;
    }
  }
  return out;
}
