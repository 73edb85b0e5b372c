import { readFileSync } from 'node:fs';
import { prepareDigit } from '@neurite/datasets';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { UsageError } from './errors.js';

/** A decoded image: RGBA bytes, row-major. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** MNIST preprocessing lives in @neurite/datasets, shared with the docs site's drawing demo. */
export function toMnist(img: Rgba): Float32Array {
  try {
    return prepareDigit(img);
  } catch (e) {
    throw new UsageError(`predict: ${(e as Error).message.replace(/^prepareDigit: /, '')} Draw a digit.`);
  }
}

/** Reads a PNG or JPEG file (any size, grey or colour, with or without alpha). */
export function readImage(path: string): Rgba {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UsageError(`predict: cannot read ${path}: no such file. Check the path.`);
  }
  const png = bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const jpg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  try {
    if (png) {
      const img = PNG.sync.read(bytes);
      return { width: img.width, height: img.height, data: new Uint8Array(img.data) };
    }
    if (jpg) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (e) {
    throw new UsageError(
      `predict: ${path} looks like a ${png ? 'PNG' : 'JPEG'} but cannot be decoded (${(e as Error).message}).`,
    );
  }
  const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new UsageError(
    `predict: ${path} is not a PNG or JPEG image (it starts with bytes ${head || 'nothing'}). Convert it to PNG.`,
  );
}
