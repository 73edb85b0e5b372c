import { NeuriteError } from '@neurite/core';

/**
 * A picture as plain bytes: `width * height` pixels, row-major from the top-left, 4 bytes each (RGBA).
 * Every renderer in this package returns one; the Node adapter encodes it as PNG and the browser adapter
 * draws it on a canvas.
 *
 * @example
 * ```ts
 * import { createImage, type RgbaImage } from '@neurite/viz';
 * const image: RgbaImage = createImage(2, 1, [255, 0, 0, 255]);
 * console.log(image.width, image.height, Array.from(image.data)); // 2 1 [255, 0, 0, 255, 255, 0, 0, 255]
 * ```
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA bytes, `width * height * 4` of them. */
  data: Uint8ClampedArray;
}

/** An RGBA colour, each channel 0-255. */
export type Rgba = readonly [number, number, number, number];

/** The colour between tiles and of unused cells: mid grey, opaque. */
export const GAP_COLOR: Rgba = [128, 128, 128, 255];

/**
 * A blank image filled with one colour (transparent black by default).
 *
 * @example
 * ```ts
 * import { createImage } from '@neurite/viz';
 * const image = createImage(3, 2, [128, 128, 128, 255]);
 * console.log(image.data.length); // 24
 * ```
 */
export function createImage(width: number, height: number, fill: Rgba = [0, 0, 0, 0]): RgbaImage {
  for (const [what, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new NeuriteError(
        `createImage: ${what} must be a positive integer. Received: ${what}=${v}. Pass whole pixel counts, e.g. createImage(28, 28).`,
      );
    }
  }
  const data = new Uint8ClampedArray(width * height * 4);
  if (fill.some((c) => c !== 0)) for (let i = 0; i < data.length; i += 4) data.set(fill, i);
  return { width, height, data };
}

/**
 * Enlarges an image by a whole factor, each pixel becoming a `factor x factor` block (nearest neighbour,
 * so that single activations stay crisp squares).
 *
 * @example
 * ```ts
 * import { createImage, upscaleImage } from '@neurite/viz';
 * const big = upscaleImage(createImage(28, 28), 4);
 * console.log(big.width, big.height); // 112 112
 * ```
 */
export function upscaleImage(image: RgbaImage, factor: number): RgbaImage {
  checkImage(image, 'upscaleImage');
  if (!Number.isInteger(factor) || factor < 1) {
    throw new NeuriteError(
      `upscaleImage: factor must be a positive integer. Received: factor=${factor}. Use 1 for the original size.`,
    );
  }
  if (factor === 1) return { width: image.width, height: image.height, data: image.data.slice() };
  const out = createImage(image.width * factor, image.height * factor);
  const rowBytes = out.width * 4;
  for (let y = 0; y < image.height; y++) {
    const first = y * factor * rowBytes;
    for (let x = 0; x < out.width; x++) {
      const s = (y * image.width + Math.floor(x / factor)) * 4;
      out.data.set(image.data.subarray(s, s + 4), first + x * 4);
    }
    // The other factor - 1 rows of this block repeat the first.
    for (let r = 1; r < factor; r++) out.data.copyWithin(first + r * rowBytes, first, first + rowBytes);
  }
  return out;
}

/** Throws unless `image` is a well-formed RgbaImage (used by the encoders and adapters). */
export function checkImage(image: RgbaImage, what: string): void {
  const ok =
    image !== null &&
    typeof image === 'object' &&
    Number.isInteger(image.width) &&
    Number.isInteger(image.height) &&
    image.width > 0 &&
    image.height > 0 &&
    image.data instanceof Uint8ClampedArray &&
    image.data.length === image.width * image.height * 4;
  if (!ok) {
    const got =
      image && typeof image === 'object'
        ? `width=${image.width}, height=${image.height}, data of length ${image.data?.length ?? 'none'}`
        : String(image);
    throw new NeuriteError(
      `${what}: expected an RgbaImage { width, height, data: Uint8ClampedArray of width * height * 4 bytes }. ` +
        `Received: ${got}. Make images with createImage() or one of the renderers (featureMapGrid, vectorStrip).`,
    );
  }
}
