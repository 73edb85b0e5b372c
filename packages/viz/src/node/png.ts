import { PNG } from 'pngjs';
import { checkImage, type RgbaImage } from '../image.js';
import { writeFileAtomic } from './atomic.js';

/**
 * Encodes an image as PNG bytes (8-bit RGBA, with pngjs).
 *
 * @example
 * ```ts
 * import { featureMapGrid } from '@neurite/viz';
 * import { encodePng } from '@neurite/viz/node';
 * const png = encodePng(featureMapGrid(new Float32Array([0, 1, 2, 3]), [2, 2, 1]));
 * console.log(Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('')); // PNG
 * ```
 */
export function encodePng(image: RgbaImage): Uint8Array {
  checkImage(image, 'encodePng');
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const bytes = PNG.sync.write(png);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * An image as a `data:image/png;base64,...` URI, for an `<img src>` that needs no other file.
 *
 * @example
 * ```ts
 * import { createImage } from '@neurite/viz';
 * import { pngDataUri } from '@neurite/viz/node';
 * console.log(pngDataUri(createImage(1, 1, [255, 0, 0, 255])).startsWith('data:image/png;base64,')); // true
 * ```
 */
export function pngDataUri(image: RgbaImage): string {
  const png = encodePng(image);
  return `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}`;
}

/**
 * Writes an image as a PNG file, atomically (a temporary file renamed into place), creating folders.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { featureMapGrid } from '@neurite/viz';
 * import { writePng } from '@neurite/viz/node';
 * const path = join(tmpdir(), 'neurite-viz-example', 'maps.png');
 * await writePng(path, featureMapGrid(new Float32Array(16).map((_, i) => i), [1, 2, 2, 4], { scale: 8 }));
 * console.log(path);
 * ```
 */
export async function writePng(path: string, image: RgbaImage): Promise<void> {
  await writeFileAtomic(path, encodePng(image));
}
