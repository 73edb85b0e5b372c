import { NeuriteError, nextSeed } from '@neurite/core';
import type { Sample } from './dataset.js';
import { checkSeed, createRng } from './internal/prng.js';

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
}

/** Options for augmentDigits and augmentSamples: each transform is drawn uniformly from its range. */
export interface AugmentOptions {
  /** Shifts in [-maxShift, maxShift] pixels on each axis. Default 2. */
  maxShift?: number;
  /** Rotations in [-max, max] degrees. Default 10. */
  maxRotationDegrees?: number;
  /** Zoom factors in [1 - maxZoom, 1 + maxZoom]. Default 0.1. */
  maxZoom?: number;
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
  const { dx = 0, dy = 0, rotationDegrees = 0, zoom = 1 } = t;
  const theta = (rotationDegrees * Math.PI) / 180;
  const cos = Math.cos(theta) / zoom;
  const sin = Math.sin(theta) / zoom;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const out = new Float32Array(width * height);
  // Each output pixel samples the inverse transform: source = c + R(-theta)(out - c - shift) / zoom.
  for (let oy = 0; oy < height; oy++) {
    const v = oy - cy - dy;
    for (let ox = 0; ox < width; ox++) {
      const u = ox - cx - dx;
      const sx = cx + cos * u + sin * v;
      const sy = cy - sin * u + cos * v;
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

function check(name: string, value: number, max = Number.POSITIVE_INFINITY): void {
  if (!(value >= 0 && value < max)) {
    const range = max === Number.POSITIVE_INFINITY ? '>= 0' : `in [0, ${max})`;
    throw new NeuriteError(`augmentDigits: ${name} must be a number ${range}. Received: ${value}.`);
  }
}

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
  const { maxShift = 2, maxRotationDegrees = 10, maxZoom = 0.1 } = options;
  check('maxShift', maxShift);
  check('maxRotationDegrees', maxRotationDegrees);
  check('maxZoom', maxZoom, 1);
  const rng = createRng(options.seed === undefined ? nextSeed() : checkSeed('augmentDigits', options.seed));
  return (image, width = 28, height = 28) =>
    transformImage(image, width, height, {
      dx: rng.uniform(-maxShift, maxShift),
      dy: rng.uniform(-maxShift, maxShift),
      rotationDegrees: rng.uniform(-maxRotationDegrees, maxRotationDegrees),
      zoom: rng.uniform(1 - maxZoom, 1 + maxZoom),
    });
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
