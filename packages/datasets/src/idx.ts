import { NeuriteError } from '@neurite/core';
import { fmt } from './internal/prng.js';

/** The element types an IDX file can hold, by their names in the format's magic number. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array parseIdx returns for each IdxType. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: its dimensions, element type and elements in row-major order. */
export interface Idx {
  dims: number[];
  type: IdxType;
  data: IdxData;
}

const TYPES: Record<number, { type: IdxType; size: number }> = {
  8: { type: 'uint8', size: 1 },
  9: { type: 'int8', size: 1 },
  11: { type: 'int16', size: 2 },
  12: { type: 'int32', size: 4 },
  13: { type: 'float32', size: 4 },
  14: { type: 'float64', size: 8 },
};
const TYPE_LIST = '0x08 (uint8), 0x09 (int8), 0x0B (int16), 0x0C (int32), 0x0D (float32) or 0x0E (float64)';
const DEFAULT_FIX = 'Download the file again.';

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ') || '(nothing)';

/**
 * Parses an IDX file (the format of MNIST and Fashion-MNIST) from its bytes: a magic number (two zero
 * bytes, a type code, the rank), one big-endian uint32 per dimension, then the elements, big-endian.
 * Every byte is accounted for: a truncated file or trailing bytes are errors that give both counts.
 * uint8 and int8 data are views of `bytes`, not copies. `fix` ends error messages (how to get a good file).
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { parseIdx } from '@neurite/datasets';
 * await useBackend('cpu');
 * // magic 0x00 0x00 0x08 (uint8) 0x01 (rank 1), one dimension: 3, then 3 bytes
 * const idx = parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]), 'tiny');
 * console.log(idx.type, idx.dims, Array.from(idx.data)); // uint8 [ 3 ] [ 7, 8, 9 ]
 * ```
 */
export function parseIdx(bytes: Uint8Array, name = 'idx data', fix = DEFAULT_FIX): Idx {
  const magic = bytes.subarray(0, 4);
  const kind = TYPES[bytes[2]];
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !kind || bytes[3] === 0) {
    const gz =
      bytes[0] === 0x1f && bytes[1] === 0x8b ? ' These bytes are gzipped: gunzip them first (readIdxFile does).' : '';
    throw new NeuriteError(
      `${name}: not an IDX file: expected the magic 0x00 0x00 <type> <rank> with type ${TYPE_LIST} and rank >= 1; ` +
        `found ${hex(magic)}.${gz} ${fix}`,
    );
  }
  const rank = bytes[3];
  const header = 4 + 4 * rank;
  if (bytes.length < header) {
    throw new NeuriteError(
      `${name}: truncated header: a rank-${rank} IDX header is ${header} bytes; the file has ${fmt(bytes.length)}. ${fix}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = count * kind.size;
  const actual = bytes.length - header;
  if (actual !== expected) {
    const what = kind.size === 1 ? dims.join(' x ') : `${dims.join(' x ')} ${kind.type} values x ${kind.size} bytes`;
    const failure = actual < expected ? 'truncated' : `${fmt(actual - expected)} trailing bytes`;
    throw new NeuriteError(
      `${name}: ${failure}: the header promises ${what} = ${fmt(expected)} bytes of data; the file has ${fmt(actual)}. ${fix}`,
    );
  }
  return { dims, type: kind.type, data: decode(view, header, count, kind.type) };
}

function decode(view: DataView, offset: number, n: number, type: IdxType): IdxData {
  const { buffer, byteOffset } = view;
  if (type === 'uint8') return new Uint8Array(buffer, byteOffset + offset, n);
  if (type === 'int8') return new Int8Array(buffer, byteOffset + offset, n);
  // Multi-byte elements are big-endian and may be unaligned: read each through the DataView.
  if (type === 'int16') {
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getInt16(offset + 2 * i, false);
    return out;
  }
  if (type === 'int32') {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getInt32(offset + 4 * i, false);
    return out;
  }
  if (type === 'float32') {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(offset + 4 * i, false);
    return out;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat64(offset + 8 * i, false);
  return out;
}

/**
 * Encodes an IDX file: the inverse of parseIdx, for writing data sets (or test fixtures) to disk.
 * `data` must have exactly as many elements as the dimensions promise.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { encodeIdx, parseIdx } from '@neurite/datasets';
 * await useBackend('cpu');
 * const bytes = encodeIdx({ dims: [2], type: 'float32', data: new Float32Array([0.5, -2]) });
 * console.log(bytes.length, Array.from(parseIdx(bytes).data)); // 16 [ 0.5, -2 ]
 * ```
 */
export function encodeIdx(idx: { dims: number[]; type: IdxType; data: ArrayLike<number> }): Uint8Array {
  const entry = Object.entries(TYPES).find(([, t]) => t.type === idx.type);
  const count = idx.dims.reduce((a, b) => a * b, 1);
  if (!entry || idx.dims.length < 1 || idx.dims.length > 255 || idx.data.length !== count) {
    throw new NeuriteError(
      `encodeIdx: expected a type of uint8, int8, int16, int32, float32 or float64, 1 to 255 dimensions and ` +
        `${idx.dims.join(' x ')} = ${fmt(count)} elements. Received type ${idx.type}, ${idx.dims.length} ` +
        `dimensions and ${fmt(idx.data.length)} elements.`,
    );
  }
  const { size } = entry[1];
  const header = 4 + 4 * idx.dims.length;
  const bytes = new Uint8Array(header + count * size);
  const view = new DataView(bytes.buffer);
  bytes[2] = Number(entry[0]);
  bytes[3] = idx.dims.length;
  for (let i = 0; i < idx.dims.length; i++) view.setUint32(4 + 4 * i, idx.dims[i], false);
  const put = {
    uint8: (o: number, v: number) => view.setUint8(o, v),
    int8: (o: number, v: number) => view.setInt8(o, v),
    int16: (o: number, v: number) => view.setInt16(o, v, false),
    int32: (o: number, v: number) => view.setInt32(o, v, false),
    float32: (o: number, v: number) => view.setFloat32(o, v, false),
    float64: (o: number, v: number) => view.setFloat64(o, v, false),
  }[idx.type];
  for (let i = 0; i < count; i++) put(header + i * size, idx.data[i]);
  return bytes;
}
