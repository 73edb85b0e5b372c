// Fuzzing the data files a user hands Neurite: IDX headers and bodies (plain and gzipped, bombs
// included) through readIdxFile, and PNG / JPEG headers through `neurite-mnist predict`. Every case is a
// real process under a memory cap and a timeout: one clear line, never "unexpected error".
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { draw, jpg, png, testDigit } from '../../apps/mnist-cli/test/digits.js';
import { cli, root, runProcess, scale, seed, violation } from './harness.js';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'neurite-fuzz-files-')));
const counts = { idx: 0, images: 0 };
afterAll(() => console.log(`fuzz data files: ${counts.idx} IDX files and ${counts.images} images, each a process`));

const reader = fileURLToPath(new URL('./read-idx.mjs', import.meta.url));

let packedZeros: Buffer | undefined;
/** 64 MiB of zeros as one gzip member (made once). */
const zeros64 = () => {
  packedZeros ??= gzipSync(Buffer.alloc(64 * 2 ** 20));
  return packedZeros;
};
const deflatedZeros = new Map<number, Buffer>();
/** `mb` MiB of zeros, deflated (made once per size). */
function zerosDeflated(mb: number): Buffer {
  if (!deflatedZeros.has(mb)) deflatedZeros.set(mb, deflateSync(Buffer.alloc(mb * 2 ** 20)));
  return deflatedZeros.get(mb) as Buffer;
}

function idxBytes(type: number, dims: number[], body: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = type;
  head[3] = dims.length;
  for (const [i, d] of dims.entries()) head.writeUInt32BE(d >>> 0, 4 + 4 * i);
  return Buffer.concat([head, body]);
}

describe('fuzz: IDX files', () => {
  it('random headers, bodies and gzip layers: one line, bounded memory and time', async () => {
    const dim = fc.oneof(fc.constantFrom(0, 1, 2, 3, 28, 60000, 2 ** 16, 2 ** 31, 2 ** 32 - 1), fc.nat(100));
    const cases = fc.sample(
      fc.record({
        type: fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0x07, 0xff),
        dims: fc.array(dim, { minLength: 0, maxLength: 5 }),
        body: fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.constant(new Uint8Array(0)),
          fc.constant(new Uint8Array(784 * 3)),
        ),
        gzip: fc.constantFrom('none', 'gzip', 'bomb', 'corrupt', 'truncated'),
        flips: fc.array(fc.record({ at: fc.nat(16), value: fc.nat(255) }), { maxLength: 2 }),
      }),
      { seed, numRuns: Math.round(40 * scale) },
    );
    const problems: string[] = [];
    for (const [i, c] of cases.entries()) {
      let bytes = idxBytes(c.type, c.dims, c.body);
      for (const f of c.flips) if (f.at < bytes.length) bytes[f.at] = f.value;
      if (c.gzip === 'gzip') bytes = gzipSync(bytes);
      // A bomb: the header, then a gigabyte of zeros in 16 more gzip members of about 64 KB each.
      if (c.gzip === 'bomb') bytes = Buffer.concat([gzipSync(bytes), ...Array(16).fill(zeros64())]);
      if (c.gzip === 'corrupt') bytes = Buffer.concat([gzipSync(bytes).subarray(0, 12), Buffer.from('not deflate')]);
      if (c.gzip === 'truncated') bytes = gzipSync(bytes).subarray(0, 15);
      const file = join(work, `case-${i}.idx${c.gzip === 'none' ? '' : '.gz'}`);
      writeFileSync(file, bytes);
      const o = await runProcess([reader, file], { cwd: root, capMB: 400, timeoutMs: 20_000 });
      counts.idx++;
      const v = violation(o, [], true);
      if (v) problems.push(`${v}: ${JSON.stringify({ ...c, body: c.body.length })} -> ${o.stderr.slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
  });
});

/** A PNG chunk with its real CRC, so that a decoder reads it rather than refusing it for the CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

describe('fuzz: PNG and JPEG headers through predict', () => {
  it('mutated dimensions, chunks, markers and bodies: exit 2 with one line, never a bomb', async () => {
    const digit = draw(testDigit(1).pixels);
    const goodPng = png(digit);
    const goodJpg = jpg(digit);
    const cases = fc.sample(
      fc.oneof(
        fc.record({
          kind: fc.constant('png-dims' as const),
          width: fc.oneof(fc.constantFrom(0, 1, 30000, 2 ** 31 - 1, 2 ** 32 - 1), fc.nat(70000)),
          height: fc.oneof(fc.constantFrom(0, 1, 30000, 2 ** 31 - 1), fc.nat(70000)),
          depth: fc.constantFrom(1, 2, 4, 8, 16, 3, 0),
          color: fc.constantFrom(0, 2, 3, 4, 6, 5),
          interlace: fc.constantFrom(0, 1, 2),
        }),
        fc.record({
          kind: fc.constant('png-bomb' as const),
          mb: fc.constantFrom(1, 64, 512),
          interlace: fc.constantFrom(0, 1),
        }),
        fc.record({
          kind: fc.constant('png-bytes' as const),
          flips: fc.array(fc.record({ at: fc.nat(60), value: fc.nat(255) }), { minLength: 1, maxLength: 4 }),
        }),
        fc.record({ kind: fc.constant('png-cut' as const), at: fc.nat(goodPng.length) }),
        fc.record({ kind: fc.constant('jpg-dims' as const), width: fc.nat(65535), height: fc.nat(65535) }),
        fc.record({
          kind: fc.constant('jpg-bytes' as const),
          flips: fc.array(fc.record({ at: fc.nat(400), value: fc.nat(255) }), { minLength: 1, maxLength: 4 }),
        }),
        fc.record({ kind: fc.constant('jpg-cut' as const), at: fc.nat(goodJpg.length) }),
      ),
      { seed, numRuns: Math.round(50 * scale) },
    );
    const problems: string[] = [];
    for (const [i, c] of cases.entries()) {
      let bytes: Buffer;
      if (c.kind === 'png-dims' || c.kind === 'png-bomb') {
        const ihdr = Buffer.alloc(13);
        const [w, h] = c.kind === 'png-dims' ? [c.width, c.height] : [8, 8];
        ihdr.writeUInt32BE(w >>> 0, 0);
        ihdr.writeUInt32BE(h >>> 0, 4);
        ihdr[8] = c.kind === 'png-dims' ? c.depth : 8;
        ihdr[9] = c.kind === 'png-dims' ? c.color : 0;
        ihdr[12] = c.interlace;
        const idat = c.kind === 'png-bomb' ? zerosDeflated(c.mb) : deflateSync(Buffer.alloc(64));
        bytes = Buffer.concat([
          goodPng.subarray(0, 8),
          chunk('IHDR', ihdr),
          chunk('IDAT', idat),
          chunk('IEND', Buffer.alloc(0)),
        ]);
      } else if (c.kind === 'png-bytes' || c.kind === 'jpg-bytes') {
        bytes = Buffer.from(c.kind === 'png-bytes' ? goodPng : goodJpg);
        for (const f of c.flips) if (f.at < bytes.length) bytes[f.at] = f.value;
      } else if (c.kind === 'png-cut' || c.kind === 'jpg-cut') {
        bytes = (c.kind === 'png-cut' ? goodPng : goodJpg).subarray(0, c.at);
      } else {
        bytes = Buffer.from(goodJpg);
        // The first SOF0 marker: 0xFFC0, length, precision, then height and width.
        const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
        bytes.writeUInt16BE(c.height, sof + 5);
        bytes.writeUInt16BE(c.width, sof + 7);
      }
      const file = join(work, `image-${i}.${c.kind.startsWith('png') ? 'png' : 'jpg'}`);
      writeFileSync(file, bytes);
      // No model trained in this home: an image that passes every check ends at "no model given" (exit 2).
      const o = await runProcess([cli, 'predict', file], {
        env: { NEURITE_BACKEND: 'cpu', NEURITE_HOME: join(work, 'home') },
        capMB: 700,
        timeoutMs: 30_000,
      });
      counts.images++;
      const v = violation(o, []);
      if (v || o.code !== 2)
        problems.push(`${v ?? `exit ${o.code}`}: ${JSON.stringify(c).slice(0, 200)} -> ${o.stderr.slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
  });
});
