import { NeuriteError, nextSeed } from '@neurite/core';
import type { Sample } from './dataset.js';
import { blurImage, resizeImage, strokeImage } from './image_ops.js';
import { checkSeed, createRng, type Rng } from './internal/prng.js';
import { squareDigit } from './prepare_digit.js';

/** An affine transform of an image about its centre: zoom, then rotate, then shift. */
export interface ImageTransform {
  /** Shift right, in pixels. Default 0. */
  dx?: number;
  /** Shift down, in pixels. Default 0. */
  dy?: number;
  /** Rotation in degrees, clockwise as displayed (rows grow downward). Default 0. */
  rotationDegrees?: number;
  /** Scale factor: 1.1 enlarges by 10%. Default 1. */
  zoom?: number;
  /** Horizontal shear in degrees, applied before the rotation: positive leans the top right. Default 0. */
  shearDegrees?: number;
}

/** Options for augmentDigits and augmentSamples: each transform is drawn uniformly from its range. */
export interface AugmentOptions {
  /** Shifts in [-maxShift, maxShift] pixels on each axis. Default 2. */
  maxShift?: number;
  /** Rotations in [-max, max] degrees. Default 10. */
  maxRotationDegrees?: number;
  /** Zoom factors in [1 - maxZoom, 1 + maxZoom]. Default 0.1. */
  maxZoom?: number;
  /** Shears in [-max, max] degrees. Default 0. */
  maxShearDegrees?: number;
  /**
   * Elastic distortion: a smooth random displacement of up to this many pixels (a grid of 4 x 4 cells
   * with random offsets at its corners, interpolated). Default 0.
   */
  elasticPixels?: number;
  /** Stroke width changes, in pixels, drawn from [low, high] (negative thins; see strokeImage). Default [0, 0]. */
  strokeRange?: [number, number];
  /** Gaussian blur with sigma in [0, maxBlur] pixels. Default 0. */
  maxBlur?: number;
  /** Down-sampling to a side in [minResolution, width] pixels and back up (a low-resolution scan). Default: off. */
  minResolution?: number;
  /** Gaussian noise with a standard deviation in [0, maxNoise], clipped to [0, 1]. Default 0. */
  maxNoise?: number;
  /** Ink scaled by a contrast factor in [minContrast, 1]. Default 1. */
  minContrast?: number;
  /**
   * The chance that each of stroke, blur, resolution, noise and contrast is applied to an image (each
   * drawn on its own), so that most images keep most of their look. Default 0.5.
   */
  chance?: number;
  /**
   * The chance that an image is first stretched to fill a square and prepared again (squareDigit), as
   * forms that normalise a digit's size (USPS's, NIST's) leave it: a thin 1 becomes a wide bar. Drawn
   * before the other transforms; 28 x 28 images only. Default 0.
   */
  squareChance?: number;
  /** Fixes the sequence of transforms; default: the next seed of setSeed()'s stream. */
  seed?: number;
}

/**
 * Applies one affine transform to a grey image (row-major, width x height) with bilinear sampling;
 * pixels that come from outside the image are 0. Returns a new array.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { transformImage } from '@neurite/datasets';
 * await useBackend('cpu');
 * const image = new Float32Array(9); // 3 x 3, one bright pixel in the centre
 * image[4] = 1;
 * // The pixel moves one to the right: index 5.
 * console.log(Array.from(transformImage(image, 3, 3, { dx: 1 }))); // [0, 0, 0, 0, 0, 1, 0, 0, 0]
 * ```
 */
export function transformImage(image: Float32Array, width: number, height: number, t: ImageTransform): Float32Array {
  if (image.length !== width * height) {
    throw new NeuriteError(
      `transformImage: expected ${width} x ${height} = ${width * height} pixels; received ${image.length}. ` +
        'Pass the image width and height.',
    );
  }
  return warp(image, width, height, t);
}

/** The affine transform t, plus an optional displacement field (x then y offsets per output pixel). */
function warp(
  image: Float32Array,
  width: number,
  height: number,
  t: ImageTransform,
  field?: { fx: Float32Array; fy: Float32Array },
): Float32Array {
  const { dx = 0, dy = 0, rotationDegrees = 0, zoom = 1, shearDegrees = 0 } = t;
  const theta = (rotationDegrees * Math.PI) / 180;
  const cos = Math.cos(theta) / zoom;
  const sin = Math.sin(theta) / zoom;
  const shear = Math.tan((shearDegrees * Math.PI) / 180);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const out = new Float32Array(width * height);
  // Each output pixel samples the inverse transform: source = c + Shear^-1 R(-theta)(out - c - shift) / zoom.
  for (let oy = 0; oy < height; oy++) {
    for (let ox = 0; ox < width; ox++) {
      const i = oy * width + ox;
      const u = ox - cx - dx + (field ? field.fx[i] : 0);
      const v = oy - cy - dy + (field ? field.fy[i] : 0);
      const b = -sin * u + cos * v;
      const sx = cx + cos * u + sin * v + shear * b;
      const sy = cy + b;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= width || y0 >= height) continue;
      const fx = sx - x0;
      const fy = sy - y0;
      const inX0 = x0 >= 0;
      const inX1 = x0 + 1 < width;
      let value = 0;
      if (y0 >= 0) {
        const row = y0 * width;
        if (inX0) value += (1 - fx) * (1 - fy) * image[row + x0];
        if (inX1) value += fx * (1 - fy) * image[row + x0 + 1];
      }
      if (y0 + 1 < height) {
        const row = (y0 + 1) * width;
        if (inX0) value += (1 - fx) * fy * image[row + x0];
        if (inX1) value += fx * fy * image[row + x0 + 1];
      }
      out[oy * width + ox] = value;
    }
  }
  return out;
}

function check(name: string, value: number, max = Number.POSITIVE_INFINITY, inclusive = false): void {
  if (!(value >= 0 && (inclusive ? value <= max : value < max))) {
    const range = max === Number.POSITIVE_INFINITY ? '>= 0' : `in [0, ${max}${inclusive ? ']' : ')'}`;
    throw new NeuriteError(`augmentDigits: ${name} must be a number ${range}. Received: ${value}.`);
  }
}

/** A smooth random displacement field: offsets in [-pixels, pixels] at a 5 x 5 grid of corners, interpolated. */
function elasticField(rng: Rng, width: number, height: number, pixels: number): { fx: Float32Array; fy: Float32Array } {
  const cells = 4;
  const corners = (cells + 1) * (cells + 1);
  const gx = new Float32Array(corners);
  const gy = new Float32Array(corners);
  for (let i = 0; i < corners; i++) {
    gx[i] = rng.uniform(-pixels, pixels);
    gy[i] = rng.uniform(-pixels, pixels);
  }
  const fx = new Float32Array(width * height);
  const fy = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const v = (y / Math.max(1, height - 1)) * cells;
    const j = Math.min(cells - 1, Math.floor(v));
    const b = v - j;
    for (let x = 0; x < width; x++) {
      const u = (x / Math.max(1, width - 1)) * cells;
      const i = Math.min(cells - 1, Math.floor(u));
      const a = u - i;
      const k = j * (cells + 1) + i;
      const w00 = (1 - a) * (1 - b);
      const w10 = a * (1 - b);
      const w01 = (1 - a) * b;
      const w11 = a * b;
      fx[y * width + x] = w00 * gx[k] + w10 * gx[k + 1] + w01 * gx[k + cells + 1] + w11 * gx[k + cells + 2];
      fy[y * width + x] = w00 * gy[k] + w10 * gy[k + 1] + w01 * gy[k + cells + 1] + w11 * gy[k + cells + 2];
    }
  }
  return { fx, fy };
}

/** A draw close to a standard normal, cheaply: the sum of four uniforms, centred and scaled to variance 1. */
function normal(rng: Rng): number {
  return (rng.next() + rng.next() + rng.next() + rng.next() - 2) * 1.7320508075688772; // sqrt(12 / 4)
}

/**
 * The augmentation the MNIST CLI trains with by default: the geometry of other writers (shift, rotation,
 * zoom, shear, elastic), what pens, scanners and cameras do to a digit (stroke width, blur, resolution,
 * noise, contrast), and one digit in twenty stretched to a square as form readers normalise them
 * (squareChance). Chosen by measurement on the robustness benchmark (`pnpm bench robust`).
 */
export const digitAugmentation: Readonly<AugmentOptions> = Object.freeze({
  maxShift: 2,
  maxRotationDegrees: 12,
  maxZoom: 0.15,
  maxShearDegrees: 15,
  elasticPixels: 1.5,
  strokeRange: [-1, 2] as [number, number],
  maxBlur: 1,
  minResolution: 12,
  maxNoise: 0.1,
  minContrast: 0.5,
  chance: 0.3,
  squareChance: 0.05,
});

/**
 * Random shifts, rotations and zooms for digit-like images, seeded: returns a function that transforms
 * each image it is given with freshly drawn parameters (a new array; the input is untouched). The same
 * seed gives the same sequence of transforms. With every maximum 0 the image comes back unchanged.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { augmentDigits, loadMnist } from '@neurite/datasets';
 * await useBackend('cpu');
 * const { train } = await loadMnist({ limit: 10 });
 * const augment = augmentDigits({ maxShift: 2, maxRotationDegrees: 10, maxZoom: 0.1, seed: 1 });
 * const moved = augment(train.images.subarray(0, 784)); // 28 x 28 by default
 * console.log(moved.length); // 784
 * ```
 */
export function augmentDigits(
  options: AugmentOptions = {},
): (image: Float32Array, width?: number, height?: number) => Float32Array {
  const {
    maxShift = 2,
    maxRotationDegrees = 10,
    maxZoom = 0.1,
    maxShearDegrees = 0,
    elasticPixels = 0,
    strokeRange = [0, 0],
    maxBlur = 0,
    minResolution,
    maxNoise = 0,
    minContrast = 1,
    chance = 0.5,
    squareChance = 0,
  } = options;
  check('maxShift', maxShift);
  check('maxRotationDegrees', maxRotationDegrees);
  check('maxZoom', maxZoom, 1);
  check('maxShearDegrees', maxShearDegrees, 60, true);
  check('elasticPixels', elasticPixels, 8, true);
  check('maxBlur', maxBlur, 4, true);
  check('maxNoise', maxNoise, 1, true);
  check('minContrast', minContrast, 1, true);
  check('chance', chance, 1, true);
  check('squareChance', squareChance, 1, true);
  if (
    !Array.isArray(strokeRange) ||
    strokeRange.length !== 2 ||
    !(strokeRange[0] >= -4 && strokeRange[0] <= strokeRange[1] && strokeRange[1] <= 4)
  ) {
    throw new NeuriteError(
      `augmentDigits: strokeRange must be [low, high] pixels with -4 <= low <= high <= 4. Received: ${JSON.stringify(strokeRange)}.`,
    );
  }
  if (minResolution !== undefined && !(Number.isInteger(minResolution) && minResolution >= 4)) {
    throw new NeuriteError(`augmentDigits: minResolution must be an integer >= 4 pixels. Received: ${minResolution}.`);
  }
  const rng = createRng(options.seed === undefined ? nextSeed() : checkSeed('augmentDigits', options.seed));
  const photometric =
    strokeRange[0] !== 0 ||
    strokeRange[1] !== 0 ||
    maxBlur > 0 ||
    minResolution !== undefined ||
    maxNoise > 0 ||
    minContrast < 1;
  return (input, width = 28, height = 28) => {
    // Drawn only when the option is on, so older seeds repeat exactly.
    const square =
      squareChance > 0 && width === 28 && height === 28 && input.length === 784 && rng.next() < squareChance;
    const image = square ? squareDigit(input, 28, 28) : input;
    const t: ImageTransform = {
      dx: rng.uniform(-maxShift, maxShift),
      dy: rng.uniform(-maxShift, maxShift),
      rotationDegrees: rng.uniform(-maxRotationDegrees, maxRotationDegrees),
      zoom: rng.uniform(1 - maxZoom, 1 + maxZoom),
    };
    // Draws past the first four happen only for options that are on, so older seeds repeat exactly.
    if (maxShearDegrees > 0) t.shearDegrees = rng.uniform(-maxShearDegrees, maxShearDegrees);
    if (image.length !== width * height) return transformImage(image, width, height, t); // its message
    let out = warp(
      image,
      width,
      height,
      t,
      elasticPixels > 0 ? elasticField(rng, width, height, elasticPixels) : undefined,
    );
    if (!photometric) return out;
    if ((strokeRange[0] !== 0 || strokeRange[1] !== 0) && rng.next() < chance) {
      out = strokeImage(out, width, height, rng.uniform(strokeRange[0], strokeRange[1]));
    }
    if (minResolution !== undefined && minResolution < width && rng.next() < chance) {
      const side = minResolution + rng.int(width - minResolution + 1);
      const h = Math.max(1, Math.round((side * height) / width));
      out = resizeImage(resizeImage(out, width, height, side, h), side, h, width, height);
    }
    if (maxBlur > 0 && rng.next() < chance) out = blurImage(out, width, height, rng.uniform(0, maxBlur));
    if (minContrast < 1 && rng.next() < chance) {
      const c = rng.uniform(minContrast, 1);
      for (let i = 0; i < out.length; i++) out[i] *= c;
    }
    if (maxNoise > 0 && rng.next() < chance) {
      const sd = rng.uniform(0, maxNoise);
      for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i] + sd * normal(rng)));
    }
    return out;
  };
}

/**
 * augmentDigits as a Dataset map: transforms each sample's x (a width x height image, 28 x 28 by default,
 * e.g. xShape [28, 28, 1]) and keeps its y. Each epoch draws new transforms; the sequence is fixed by the seed.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { augmentSamples, loadMnist } from '@neurite/datasets';
 * await useBackend('cpu');
 * const { train } = await loadMnist({ limit: 64 });
 * const ds = train.dataset().shuffle(1).map(augmentSamples({ seed: 1 })); // shuffle views, then augment
 * for await (const { xs, ys } of ds.batch(32)) {
 *   console.log(xs.shape, ys.shape); // [ 32, 28, 28, 1 ] [ 32, 10 ]
 *   xs.dispose();
 *   ys.dispose();
 * }
 * ```
 */
export function augmentSamples(
  options: AugmentOptions & { width?: number; height?: number } = {},
): (s: Sample) => Sample {
  const { width = 28, height = 28 } = options;
  const augment = augmentDigits(options);
  return (s) => ({ x: augment(s.x, width, height), y: s.y });
}
