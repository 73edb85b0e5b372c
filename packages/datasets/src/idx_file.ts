import type { FileHandle } from 'node:fs/promises';
import { NeuriteError } from '@neurite/core';
import { type FileOpenError, openRegularFile, readFully } from '@neurite/core/node';
import { type Idx, type IdxType, parseIdx } from './idx.js';
import { fmt } from './internal/prng.js';

/** Options for readIdxFile. */
export interface ReadIdxOptions {
  /** How to get a good copy, appended to error messages. Default: 'Download the file again.' */
  fix?: string;
  /**
   * The most bytes readIdxFile reads: the file on disk, and the unpacked IDX file (header and data) its
   * header declares. Default: 128 MiB (MNIST's largest file is 47 MB unpacked). Decoding multi-byte
   * elements (int16 to float64) costs up to twice this in memory.
   */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 128 * 2 ** 20;
// The longest IDX header: the magic and 255 dimensions.
const MAX_HEADER = 4 + 4 * 255;

/** What the header at the start of an IDX file declares. */
interface Header {
  /** Bytes in the header itself. */
  length: number;
  /** The whole unpacked file: header and data. */
  total: number;
  /** The data, in parseIdx's words: '60000 x 28 x 28' or '2 x 3 float32 values x 4 bytes'. */
  what: string;
  /** Bytes of data. */
  data: number;
}

/**
 * Node only. Reads an IDX file, plain or gzipped (a file that starts with 0x1f 0x8b is gunzipped, whatever
 * its name), and parses it with parseIdx. Errors name the path and say how to fix it. Only regular files
 * are read (not FIFOs, devices or directories), and no more than `maxBytes`: the size the header declares
 * is checked before the data is read, and a gzipped file is unpacked as a stream into one buffer of that
 * size, stopping as soon as it holds more than the header declares.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { readIdxFile } from '@neurite/datasets';
 * import { mkdtempSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { gzipSync } from 'node:zlib';
 * await useBackend('cpu');
 * const path = join(mkdtempSync(join(tmpdir(), 'neurite-')), 'labels-idx1-ubyte.gz');
 * writeFileSync(path, gzipSync(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 4, 2])));
 * const { dims, data } = await readIdxFile(path);
 * console.log(dims, Array.from(data)); // [ 2 ] [ 4, 2 ]
 * ```
 */
export async function readIdxFile(path: string, options: ReadIdxOptions = {}): Promise<Idx> {
  const fix = options.fix ?? 'Download the file again.';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new NeuriteError(
      `readIdxFile: maxBytes must be a positive integer (bytes). Received: ${maxBytes}. E.g. { maxBytes: 2 ** 30 }.`,
    );
  }
  let handle: FileHandle;
  let size: number;
  try {
    ({ handle, size } = await openRegularFile(path));
  } catch (e) {
    const err = e as FileOpenError;
    if (err.reason === 'missing') {
      const { resolve } = await import('node:path');
      throw new NeuriteError(
        `readIdxFile: no file at ${path} (resolved to ${resolve(path)}). Expected an IDX file, plain or gzipped. ` +
          `Check the path, or ${lower(fix)}`,
      );
    }
    if (err.reason === 'not-regular') throw notRegular(path, err.kind);
    throw new NeuriteError(`readIdxFile: cannot read ${path}: ${err.message}. Check that it is a readable file.`);
  }
  try {
    const start = Buffer.alloc(Math.min(size, MAX_HEADER));
    await readFully(handle, start);
    if (start[0] === 0x1f && start[1] === 0x8b) {
      if (size > maxBytes) throw tooBig(`${path} is ${fmt(size)} bytes`, size, maxBytes, fix);
      return await gunzipIdx(handle, path, fix, maxBytes);
    }
    const h = header(start, path, fix);
    checkSize(path, h, maxBytes, fix);
    // Compared before the data is read, so a file of the wrong size costs nothing to refuse.
    if (size !== h.total) throw mismatch(path, h, size - h.length, fix);
    const bytes = Buffer.alloc(size);
    return parseIdx(bytes.subarray(0, await readFully(handle, bytes)), path, fix);
  } finally {
    await handle.close();
  }
}

const lower = (fix: string): string => `${fix.charAt(0).toLowerCase()}${fix.slice(1)}`;

function notRegular(path: string, kind: string): NeuriteError {
  return new NeuriteError(
    `readIdxFile: ${path} is not a regular file (${kind}). Expected an IDX file, plain or gzipped. ` +
      'Give the path of the file itself.',
  );
}

function tooBig(subject: string, bytes: number, maxBytes: number, fix: string): NeuriteError {
  const mib = maxBytes % 2 ** 20 === 0 ? ` (${fmt(maxBytes / 2 ** 20)} MiB)` : '';
  const raise = Number.isSafeInteger(bytes)
    ? `If the file is right, raise the limit: readIdxFile(path, { maxBytes: ${bytes} }); if not, ${lower(fix)}`
    : `No limit can hold that: the header is damaged. ${fix}`;
  return new NeuriteError(`readIdxFile: ${subject}, more than maxBytes = ${fmt(maxBytes)}${mib}. ${raise}`);
}

function checkSize(path: string, h: Header, maxBytes: number, fix: string): void {
  if (Number.isSafeInteger(h.total) && h.total <= maxBytes) return;
  const size = Number.isSafeInteger(h.total)
    ? `${fmt(h.data)} bytes of data (${fmt(h.total)} with the header)`
    : 'over 2^53 bytes of data';
  throw tooBig(`${path}: the header declares ${h.what} = ${size}`, h.total, maxBytes, fix);
}

/** parseIdx's message for a file of the wrong length, from the sizes alone: the data need not be read. */
function mismatch(path: string, h: Header, actual: number, fix: string): NeuriteError {
  const failure = actual < h.data ? 'truncated' : `${fmt(actual - h.data)} trailing bytes`;
  return new NeuriteError(
    `${path}: ${failure}: the header promises ${h.what} = ${fmt(h.data)} bytes of data; the file has ${fmt(actual)}. ${fix}`,
  );
}

/**
 * Checks the magic with parseIdx's own message (given the magic and zeroed dimensions, parseIdx has no data
 * to read) and returns the header's length and element type.
 */
function magic(bytes: Uint8Array, name: string, fix: string): { length: number; type: IdxType; size: number } {
  const length = 4 + 4 * (bytes[3] ?? 0);
  const probe = new Uint8Array(bytes.length < 4 ? bytes.length : length);
  probe.set(bytes.subarray(0, 4));
  const { type, data } = parseIdx(probe, name, fix);
  return { length, type, size: data.BYTES_PER_ELEMENT };
}

/** What the header at the start of `bytes` declares. */
function header(bytes: Uint8Array, name: string, fix: string): Header {
  const { length, type, size } = magic(bytes, name, fix);
  // Shorter than its header: parseIdx throws 'truncated header' with both counts.
  if (bytes.length < length) parseIdx(bytes, name, fix);
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const dims = Array.from({ length: (length - 4) / 4 }, (_, i) => view.getUint32(4 + 4 * i, false));
  const data = dims.reduce((a, b) => a * b, 1) * size;
  const what = size === 1 ? dims.join(' x ') : `${dims.join(' x ')} ${type} values x ${size} bytes`;
  return { length, data, total: length + data, what };
}

/**
 * Gunzips the file as a stream into one buffer of the size its header declares: memory stays at that size
 * plus a chunk, and a gzip bomb is stopped at the first chunk past the declared size.
 */
async function gunzipIdx(handle: FileHandle, path: string, fix: string, maxBytes: number): Promise<Idx> {
  const { createGunzip } = await import('node:zlib');
  const { pipeline } = await import('node:stream/promises');
  let start: Uint8Array = new Uint8Array(0);
  let out: Uint8Array | undefined;
  let h: Header | undefined;
  let got = 0;
  // pipeline reports an error thrown in `take` as 'The operation was aborted': keep the real one.
  let failure: NeuriteError | undefined;
  const take = async (chunks: AsyncIterable<Buffer>) => {
    try {
      for await (const chunk of chunks) {
        if (out && h) {
          if (got + chunk.length > out.length) throw trailing(path, h, got + chunk.length, fix);
          out.set(chunk, got);
          got += chunk.length;
          continue;
        }
        start = Buffer.concat([start, chunk]);
        if (start.length < 4 || start.length < magic(start, path, fix).length) continue;
        h = header(start, path, fix);
        checkSize(path, h, maxBytes, fix);
        if (start.length > h.total) throw trailing(path, h, start.length, fix);
        out = new Uint8Array(h.total);
        out.set(start);
        got = start.length;
      }
    } catch (e) {
      if (e instanceof NeuriteError) failure = e;
      throw e;
    }
  };
  try {
    // An error thrown in `take` destroys the file and gunzip streams: nothing more is read or unpacked.
    await pipeline(handle.createReadStream({ start: 0, autoClose: false }), createGunzip(), take);
  } catch (e) {
    if (failure) throw failure;
    // zlib aborts the pipeline, naming nothing, when bytes after a gzip member are not another member.
    const why =
      (e as Error).name === 'AbortError'
        ? 'its gzip data are damaged, or followed by bytes that are not gzip'
        : (e as Error).message;
    throw new NeuriteError(
      `readIdxFile: ${path} starts with the gzip signature 0x1f 0x8b but does not gunzip: ${why}. ${fix}`,
    );
  }
  // Short of the header or of the data: parseIdx says which, with both counts.
  return parseIdx(out ? out.subarray(0, got) : start, path, fix);
}

function trailing(path: string, h: Header, seen: number, fix: string): NeuriteError {
  return new NeuriteError(
    `${path}: more data than the header declares: the header promises ${h.what} = ${fmt(h.data)} bytes of data; ` +
      `the gunzipped file has at least ${fmt(seen - h.length)}; unpacking stopped there. ${fix}`,
  );
}
