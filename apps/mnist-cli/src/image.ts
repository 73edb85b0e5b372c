import type { FileHandle } from 'node:fs/promises';
import { createInflate } from 'node:zlib';
import { type FileOpenError, openRegularFile, readFully } from '@neurite/core/node';
import { prepareDigit } from '@neurite/datasets';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { num } from './args.js';
import { UsageError } from './errors.js';

/** A decoded image: RGBA bytes, row-major. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The default cap on width x height: 16 megapixels, i.e. 16,000,000 pixels (4000 x 4000). */
export const DEFAULT_MAX_MEGAPIXELS = 16;
/** The largest image file read: 64 MiB. */
export const MAX_IMAGE_BYTES = 64 * 2 ** 20;
/** The longest side an image may have, in pixels: a decoder works row by row, and 1 x 16,000,000 is no digit. */
export const MAX_IMAGE_SIDE = 16_384;
/** The most chunks a PNG may have (encoders write a few, or a few thousand for a large image). */
const MAX_PNG_CHUNKS = 100_000;

export interface ReadImageOptions {
  /** The command, for messages. Default: 'predict'. */
  command?: string;
  /** Refuse images of more than this many million pixels, before decoding them. Default: 16. */
  maxMegapixels?: number;
}

/** The --max-megapixels flag: a number in (0, 1000), fractions allowed; the default when absent. */
export function maxMegapixelsFlag(command: string, value: string | undefined): number {
  return num(command, 'max-megapixels', value, 0, 1000) ?? DEFAULT_MAX_MEGAPIXELS;
}

/** MNIST preprocessing lives in @neurite/datasets, shared with the docs site's drawing demo. */
export function toMnist(img: Rgba, command = 'predict'): Float32Array {
  try {
    return prepareDigit(img);
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.replace(/^prepareDigit: /, '')} Draw a digit.`);
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * Reads a PNG or JPEG file (any size up to the cap, grey or colour, with or without alpha). Only regular
 * files are read, and the dimensions in the header are checked before any decoding, so that a small file
 * declaring a huge image costs nothing.
 */
export async function readImage(path: string, options: ReadImageOptions = {}): Promise<Rgba> {
  const command = options.command ?? 'predict';
  const cap = options.maxMegapixels ?? DEFAULT_MAX_MEGAPIXELS;
  const bytes = await readRegularFile(path, command);
  const png = bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const jpg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpg) {
    const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new UsageError(
      `${command}: ${path} is not a PNG or JPEG image (it starts with bytes ${head || 'nothing'}). Convert it to PNG.`,
    );
  }
  const undecodable = (reason: string) =>
    new UsageError(`${command}: ${path} looks like a ${png ? 'PNG' : 'JPEG'} but cannot be decoded (${reason}).`);
  const size = png ? pngSize(bytes) : jpegSize(bytes);
  if (typeof size === 'string') throw undecodable(size);
  const { width, height } = size;
  if (width === 0 || height === 0) {
    throw new UsageError(
      `${command}: ${path} declares a ${width} x ${height} image; expected at least 1 x 1 pixels. Give another image.`,
    );
  }
  if (width * height > cap * 1e6) {
    throw new UsageError(
      `${command}: ${path} is ${width} x ${height} = ${fmt(width * height)} pixels, over the cap of ${cap} megapixels ` +
        `(${fmt(cap * 1e6)} pixels). Shrink the image (a digit needs a few hundred pixels a side at most), ` +
        'or raise the cap with --max-megapixels <n>.',
    );
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new UsageError(
      `${command}: ${path} is ${width} x ${height} pixels; a side may have at most ${fmt(MAX_IMAGE_SIDE)}. ` +
        'Shrink or crop the image: a digit needs a few hundred pixels a side at most.',
    );
  }
  try {
    if (png) {
      await checkImageData(bytes, size, `${command}: ${path}`);
      const img = PNG.sync.read(bytes);
      if (img.width !== width || img.height !== height)
        throw new Error('the decoder read another size than the header');
      return { width: img.width, height: img.height, data: img.data };
    }
    checkJpegData(bytes, size, `${command}: ${path}`);
    // jpeg-js counts what it allocates (coefficients, component planes, RGBA output): about 22 bytes a
    // pixel for a colour JPEG. 24 MB a megapixel lets one at the cap through, and bounds its memory too.
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: cap,
      maxMemoryUsageInMB: Math.ceil(cap * 24),
    });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw undecodable((e as Error).message);
  }
}

/** The whole file, if it is a regular file of at most MAX_IMAGE_BYTES. */
async function readRegularFile(path: string, command: string): Promise<Buffer> {
  let opened: { handle: FileHandle; size: number };
  try {
    opened = await openRegularFile(path);
  } catch (e) {
    const err = e as FileOpenError;
    if (err.reason === 'missing')
      throw new UsageError(`${command}: cannot read ${path}: no such file. Check the path.`);
    if (err.reason === 'not-regular') {
      throw new UsageError(`${command}: ${path} is not a regular file (${err.kind}). Give a PNG or JPEG file.`);
    }
    throw new UsageError(`${command}: cannot read ${path}: ${err.message}. Check that it is a readable file.`);
  }
  const { handle, size } = opened;
  try {
    if (size > MAX_IMAGE_BYTES) {
      throw new UsageError(
        `${command}: ${path} is ${fmt(size)} bytes; an image file may have at most 64 MiB ` +
          `(${fmt(MAX_IMAGE_BYTES)} bytes). Give a smaller PNG or JPEG: a digit needs a few hundred pixels a side at most.`,
      );
    }
    const bytes = Buffer.alloc(size);
    return bytes.subarray(0, await readFully(handle, bytes));
  } finally {
    await handle.close();
  }
}

interface Size {
  width: number;
  height: number;
}

/** Width and height from the IHDR chunk, which a PNG must have first; or why they cannot be read. */
function pngSize(b: Buffer): Size | string {
  if (b.length < 33 || b.toString('latin1', 12, 16) !== 'IHDR') {
    return 'it has no IHDR chunk, the image header, after the signature';
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Width and height from the first frame header (SOF0-SOF15 but DHT, JPG and DAC); or why there is none. */
function jpegSize(b: Buffer): Size | string {
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1];
    if (marker === 0xff)
      i += 1; // a fill byte
    else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8))
      i += 2; // markers without a length
    else if (marker === 0xd9 || marker === 0xda)
      break; // the image ends or its data start: no frame header
    else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > b.length) break;
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    } else i += 2 + b.readUInt16BE(i + 2);
  }
  return 'no frame header (SOF marker) before the image data';
}

/**
 * A JPEG's entropy-coded data must be able to back its size. Every 8 x 8 block of the most finely
 * sampled component costs at least one Huffman-coded bit (the DC difference) in the first scan, so the
 * bytes from the first scan onwards must number at least blocks / 8. jpeg-js allocates for the declared
 * size before it reads any data (a 26-byte file declaring 4000 x 4000 costs it 700 MB), so this is
 * checked first. Half the bound is required, to leave room for any encoder's choices.
 */
function checkJpegData(b: Buffer, { width, height }: Size, where: string): void {
  const scan = b.indexOf(Buffer.from([0xff, 0xda]), 2);
  const data = scan < 0 ? 0 : b.length - scan;
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const need = Math.ceil(blocks / 16);
  if (data < need) {
    throw new UsageError(
      `${where} is a JPEG that declares ${width} x ${height} pixels but holds ${fmt(data)} bytes of image data; ` +
        `that size needs at least ${fmt(need)}. The file is truncated or damaged. Give another image.`,
    );
  }
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS = [1, 2, 4, 8, 16];
// Adam7 passes: first column, first row, column step, row step.
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/**
 * A PNG's image data must unpack to exactly what its dimensions need: a filter byte and the packed pixels
 * of each row (pass by pass when interlaced). pngjs 7 does not hold it to that: it inflates an interlaced
 * PNG with zlib.inflateSync and no limit (70 KB of IDAT can unpack to a gigabyte), and decodes a 68-byte
 * file declaring 4000 x 4000 pixels as a full image (300 MB). So the data are inflated here first, as a
 * stream that keeps nothing and stops at the first chunk past the need.
 */
async function checkImageData(b: Buffer, { width, height }: Size, where: string): Promise<void> {
  const [depth, colour, interlaced] = [b[24], b[25], b[28] === 1];
  const chunks = walkChunks(b);
  if (chunks === 'too many') {
    throw new UsageError(
      `${where} is a PNG of more than ${fmt(MAX_PNG_CHUNKS)} chunks; no encoder writes that many. Give another PNG.`,
    );
  }
  if (chunks.headers !== 1) {
    // A decoder may take its size from a later IHDR than the one checked above (pngjs takes the last).
    throw new UsageError(
      `${where} is a PNG with ${chunks.headers} IHDR chunks; a PNG has exactly one, first. The file is damaged ` +
        'or made to mislead a decoder. Give another PNG.',
    );
  }
  const data = chunks.data;
  if (!DEPTHS.includes(depth) || CHANNELS[colour] === undefined) return; // pngjs names the fault
  const bits = depth * CHANNELS[colour];
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (Math.ceil((w * bits) / 8) + 1) : 0);
  const need = interlaced
    ? ADAM7.reduce(
        (sum, [x0, y0, dx, dy]) => sum + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)),
        0,
      )
    : rows(width, height);
  const got = await new Promise<number>((resolve, reject) => {
    const inflate = createInflate();
    let n = 0;
    inflate.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > need) {
        inflate.destroy();
        resolve(n);
      }
    });
    inflate.on('end', () => resolve(n));
    inflate.on('error', reject);
    inflate.end(data);
  }).catch((e: Error) => {
    throw new UsageError(
      `${where} looks like a PNG but cannot be decoded (its image data do not unpack: ${e.message}).`,
    );
  });
  const pixels = `${width} x ${height}${interlaced ? ' interlaced' : ''} pixels`;
  if (got > need) {
    throw new UsageError(
      `${where} is a PNG whose image data unpack to more than the ${fmt(need)} bytes its ${pixels} need ` +
        '(a decompression bomb, or a damaged file). Give another PNG.',
    );
  }
  if (got < need) {
    throw new UsageError(
      `${where} is a PNG whose image data unpack to ${fmt(got)} bytes; its ${pixels} need ${fmt(need)}. ` +
        'The file is damaged or truncated. Give another PNG.',
    );
  }
}

/** The IDAT chunks' contents, joined (the zlib stream of the image data), and how many IHDR chunks. */
function walkChunks(b: Buffer): { data: Buffer; headers: number } | 'too many' {
  const parts: Buffer[] = [];
  let chunks = 0;
  let headers = 0;
  for (let i = 8; i + 8 <= b.length; ) {
    // pngjs keeps an object per chunk: millions of empty chunks cost it a gigabyte.
    if (++chunks > MAX_PNG_CHUNKS) return 'too many';
    const length = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    if (type === 'IHDR') headers += 1;
    if (type === 'IDAT') parts.push(b.subarray(i + 8, i + 8 + length));
    if (type === 'IEND') break;
    i += 12 + length;
  }
  return { data: Buffer.concat(parts), headers };
}
