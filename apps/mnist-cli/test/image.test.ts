// Hostile images on the command line: each is refused with one line and exit code 2, quickly and in little
// memory, before any model is needed (predict reads every image before it looks for a model).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { constants, deflateRawSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { draw, jpg, png, testDigit } from './digits.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const preload = pathToFileURL(fileURLToPath(new URL('./maxrss.mjs', import.meta.url))).href;
const work = mkdtempSync(join(tmpdir(), 'neurite-image-'));
const env = { ...process.env, NEURITE_HOME: join(work, 'home'), NEURITE_BACKEND: 'wasm' };
const NO_MODEL =
  'neurite-mnist: predict: no model given and none trained yet. Train one with neurite-mnist train, or pass --model <dir>.';

/** Runs the CLI with a 60 s limit (a hang fails the test) and reports its peak memory in MB. */
function run(...args: string[]) {
  const rss = join(work, `rss-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(process.execPath, ['--import', preload, cli, ...args], {
    env: { ...env, NEURITE_MAXRSS_FILE: rss },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.error, `${args.join(' ')} did not finish`).toBeUndefined();
  return { code: r.status, err: r.stderr, maxRssMb: Number(readFileSync(rss, 'utf8')) / 1024 };
}

/** Expects exit code 2 and exactly `message` as the one line on stderr. */
function refuses(args: string[], message: string) {
  const r = run(...args);
  expect(r.err).toBe(`${message}\n`);
  expect(r.code).toBe(2);
  return r;
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Uint8Array) => (b.reduce((c, x) => CRC[(c ^ x) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

interface Ihdr {
  width: number;
  height: number;
  depth?: number;
  colour?: number;
  interlace?: number;
}

/** A PNG with this header and `zlibData` as its one IDAT chunk (RGBA 8-bit unless told otherwise). */
function pngFile(h: Ihdr, zlibData: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(h.width, 0);
  ihdr.writeUInt32BE(h.height, 4);
  ihdr[8] = h.depth ?? 8;
  ihdr[9] = h.colour ?? 6;
  ihdr[12] = h.interlace ?? 0;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', zlibData), chunk('IEND', new Uint8Array(0))]);
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** Unfiltered scanlines (filter byte 0), `depth` bits a sample, pass by pass when interlaced. */
function scanlines(h: Ihdr & { depth: number }, samples: (x: number, y: number) => number[]): Buffer {
  const bytes: number[] = [];
  const passes = h.interlace ? ADAM7 : [[0, 0, 1, 1]];
  for (const [x0, y0, dx, dy] of passes) {
    for (let y = y0; y < h.height; y += dy) {
      if (x0 >= h.width) continue;
      bytes.push(0);
      let acc = 0;
      let bits = 0;
      for (let x = x0; x < h.width; x += dx) {
        for (const s of samples(x, y)) {
          acc = (acc << h.depth) | s;
          bits += h.depth;
          while (bits >= 8) {
            bits -= 8;
            bytes.push((acc >> bits) & 0xff);
          }
        }
      }
      if (bits > 0) bytes.push((acc << (8 - bits)) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** A zlib stream that inflates to `gigabytes` GB of zeros, about 1 MB per GB, built without holding it. */
function zlibZeros(gigabytes: number): Buffer {
  // Sync-flushed blocks end on a byte boundary, so copies of one can follow each other in one stream.
  const block = deflateRawSync(Buffer.alloc(64 * 2 ** 20), { finishFlush: constants.Z_SYNC_FLUSH });
  const n = gigabytes * 2 ** 30;
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((n % 65521) << 16) | 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0x9c]), ...Array(16 * gigabytes).fill(block), Buffer.from([3, 0]), adler]);
}

const file = (name: string, content: Uint8Array | string) => {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
};
const digit = () => draw(testDigit(0).pixels);
const cap = (path: string, w: number, h: number, pixels: string, megapixels = '16', capPixels = '16,000,000') =>
  `neurite-mnist: predict: ${path} is ${w} x ${h} = ${pixels} pixels, over the cap of ${megapixels} megapixels ` +
  `(${capPixels} pixels). Shrink the image (a digit needs a few hundred pixels a side at most), ` +
  'or raise the cap with --max-megapixels <n>.';

describe('predict: dimensions are checked from the header, before decoding', () => {
  it('refuses a 68-byte PNG declaring 30000 x 30000 at once, in little memory', () => {
    const huge = file('huge.png', pngFile({ width: 30000, height: 30000 }, deflateSync(Buffer.alloc(10))));
    expect(readFileSync(huge).length).toBe(68);
    const r = refuses(['predict', huge], cap(huge, 30000, 30000, '900,000,000'));
    expect(r.maxRssMb).toBeLessThan(300);
  });

  it('refuses a side longer than 16,384 pixels (1 x 16,000,000 is within the cap but no digit), and 100,001 chunks', () => {
    const tall = file('tall.png', pngFile({ width: 1, height: 16_000_000, colour: 0 }, deflateSync(Buffer.alloc(10))));
    const r = refuses(
      ['predict', tall],
      `neurite-mnist: predict: ${tall} is 1 x 16000000 pixels; a side may have at most 16,384. ` +
        'Shrink or crop the image: a digit needs a few hundred pixels a side at most.',
    );
    expect(r.maxRssMb).toBeLessThan(300);
    const good = png(digit());
    const end = good.length - 12; // before IEND
    const empty = chunk('tEXt', new Uint8Array(0));
    const many = file(
      'many.png',
      Buffer.concat([good.subarray(0, end), ...Array(100_001).fill(empty), good.subarray(end)]),
    );
    refuses(
      ['predict', many],
      `neurite-mnist: predict: ${many} is a PNG of more than 100,000 chunks; no encoder writes that many. Give another PNG.`,
    );
  });

  it('lets 4000 x 4000 (16 megapixels exactly) past the header check, and refuses 4001 x 4000', () => {
    // The header passes; the 10 bytes of data then fail the data check, before the 64 MB decode.
    const at = file('at-cap.png', pngFile({ width: 4000, height: 4000 }, deflateSync(Buffer.alloc(10))));
    const r = refuses(
      ['predict', at],
      `neurite-mnist: predict: ${at} is a PNG whose image data unpack to 10 bytes; its 4000 x 4000 pixels need ` +
        '64,004,000. The file is damaged or truncated. Give another PNG.',
    );
    expect(r.maxRssMb).toBeLessThan(300);
    const over = file('over-cap.png', pngFile({ width: 4001, height: 4000 }, deflateSync(Buffer.alloc(10))));
    refuses(['predict', over], cap(over, 4001, 4000, '16,004,000'));
  });

  it('refuses a JPEG whose frame header declares 30000 x 30000, and one with no frame header', () => {
    const bytes = jpg(digit());
    const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    expect(bytes[sof + 4]).toBe(8); // precision, then height and width
    bytes.writeUInt16BE(30000, sof + 5);
    bytes.writeUInt16BE(30000, sof + 7);
    const huge = file('huge.jpg', bytes);
    const r = refuses(['predict', huge], cap(huge, 30000, 30000, '900,000,000'));
    expect(r.maxRssMb).toBeLessThan(300);
    const empty = file('no-sof.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    refuses(
      ['predict', empty],
      `neurite-mnist: predict: ${empty} looks like a JPEG but cannot be decoded ` +
        '(no frame header (SOF marker) before the image data).',
    );
  });

  it('refuses a PNG with a second IHDR (a decoder reading the last one would decode 16384 x 16384)', () => {
    const small = Buffer.alloc(13);
    small.writeUInt32BE(1, 0);
    small.writeUInt32BE(1, 4);
    small[8] = 8; // grey, 8-bit
    const big = Buffer.from(small);
    big.writeUInt32BE(16384, 0);
    big.writeUInt32BE(16384, 4);
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const bytes = Buffer.concat([
      signature,
      chunk('IHDR', small),
      chunk('IHDR', big),
      chunk('IDAT', deflateSync(Buffer.from([0, 0]))),
      chunk('IEND', new Uint8Array(0)),
    ]);
    const twice = file('two-ihdr.png', bytes);
    const r = refuses(
      ['predict', twice],
      `neurite-mnist: predict: ${twice} is a PNG with 2 IHDR chunks; a PNG has exactly one, first. The file is ` +
        'damaged or made to mislead a decoder. Give another PNG.',
    );
    expect(r.maxRssMb).toBeLessThan(300);
  });

  it('refuses a JPEG whose data cannot back its declared size, before the decoder allocates for it', () => {
    // A real 4000 x 4000 JPEG's header with its data cut to 700 bytes: jpeg-js would allocate 300+ MB.
    const bytes = jpg(digit());
    const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    bytes.writeUInt16BE(4000, sof + 5);
    bytes.writeUInt16BE(4000, sof + 7);
    const scan = bytes.indexOf(Buffer.from([0xff, 0xda]));
    const cut = file('cut.jpg', bytes.subarray(0, Math.min(bytes.length, scan + 700)));
    const data = Math.min(bytes.length, scan + 700) - scan;
    const r = refuses(
      ['predict', cut],
      `neurite-mnist: predict: ${cut} is a JPEG that declares 4000 x 4000 pixels but holds ${data} bytes of image ` +
        'data; that size needs at least 15,625. The file is truncated or damaged. Give another image.',
    );
    expect(r.maxRssMb).toBeLessThan(300);
  });

  it('refuses zero dimensions and a PNG whose first chunk is not IHDR', () => {
    const zero = file('zero.png', pngFile({ width: 0, height: 10 }, deflateSync(Buffer.alloc(10))));
    refuses(
      ['predict', zero],
      `neurite-mnist: predict: ${zero} declares a 0 x 10 image; expected at least 1 x 1 pixels. Give another image.`,
    );
    const noIhdr = pngFile({ width: 10, height: 10 }, deflateSync(Buffer.alloc(10)));
    noIhdr.write('IHDX', 12, 'latin1');
    const path = file('no-ihdr.png', noIhdr);
    refuses(
      ['predict', path],
      `neurite-mnist: predict: ${path} looks like a PNG but cannot be decoded ` +
        '(it has no IHDR chunk, the image header, after the signature).',
    );
  });

  it('takes --max-megapixels: a lower cap refuses more, a higher one lets the header through', () => {
    const digitPng = file('digit.png', png(digit()));
    refuses(['predict', '--max-megapixels', '0.001', digitPng], cap(digitPng, 64, 64, '4,096', '0.001', '1,000'));
    const huge = file('huge-raised.png', pngFile({ width: 16000, height: 16000 }, deflateSync(Buffer.alloc(10))));
    const r = refuses(
      ['predict', '--max-megapixels', '999', huge],
      `neurite-mnist: predict: ${huge} is a PNG whose image data unpack to 10 bytes; its 16000 x 16000 pixels ` +
        'need 1,024,016,000. The file is damaged or truncated. Give another PNG.',
    );
    expect(r.maxRssMb).toBeLessThan(300);
    for (const bad of ['0', 'abc', '1000']) {
      refuses(
        ['predict', '--max-megapixels', bad, digitPng],
        `neurite-mnist: predict: --max-megapixels must be a number between 0 and 1000. Received: --max-megapixels ${bad}.`,
      );
    }
  });

  it('says the cap in both commands --help, and visualize applies it to --image', () => {
    for (const command of ['predict', 'visualize']) {
      const r = spawnSync(process.execPath, [cli, command, '--help'], { env, encoding: 'utf8' });
      expect(r.stdout).toMatch(/--max-megapixels <n> +refuse .*n million pixels, read from .*header/);
      expect(r.stdout).toContain('(default 16)');
    }
    const huge = file('huge-v.png', pngFile({ width: 30000, height: 30000 }, deflateSync(Buffer.alloc(10))));
    refuses(
      ['visualize', '--image', huge, '--out', join(work, 'v')],
      cap(huge, 30000, 30000, '900,000,000').replace('predict:', 'visualize:'),
    );
    refuses(
      ['visualize', '--image', huge, '--out', join(work, 'v'), '--max-megapixels', 'abc'],
      'neurite-mnist: visualize: --max-megapixels must be a number between 0 and 1000. Received: --max-megapixels abc.',
    );
  });
});

describe('predict: regular files only', () => {
  it('refuses /dev/zero, a FIFO (without waiting for a writer) and a directory', () => {
    refuses(
      ['predict', '/dev/zero'],
      'neurite-mnist: predict: /dev/zero is not a regular file (a character device). Give a PNG or JPEG file.',
    );
    const fifo = join(work, 'fifo.png');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    refuses(
      ['predict', fifo],
      `neurite-mnist: predict: ${fifo} is not a regular file (a FIFO). Give a PNG or JPEG file.`,
    );
    const dir = join(work, 'folder.png');
    mkdirSync(dir);
    refuses(
      ['predict', dir],
      `neurite-mnist: predict: ${dir} is not a regular file (a directory). Give a PNG or JPEG file.`,
    );
  });

  it('refuses a file over 64 MiB without reading it', () => {
    const big = file('big.png', pngFile({ width: 10, height: 10 }, deflateSync(Buffer.alloc(410))));
    truncateSync(big, 65 * 2 ** 20);
    const r = refuses(
      ['predict', big],
      `neurite-mnist: predict: ${big} is 68,157,440 bytes; an image file may have at most 64 MiB (67,108,864 bytes). ` +
        'Give a smaller PNG or JPEG: a digit needs a few hundred pixels a side at most.',
    );
    expect(r.maxRssMb).toBeLessThan(300);
  });
});

describe('predict: PNG image data must unpack to what the dimensions need', () => {
  it('stops a 10 x 10 PNG whose IDAT inflates to 1 GB, plain or interlaced, in little memory', () => {
    const zeros = zlibZeros(1);
    for (const [interlace, need, what] of [
      [0, '410', '10 x 10'],
      [1, '420', '10 x 10 interlaced'],
    ] as const) {
      const bomb = file(`bomb-${interlace}.png`, pngFile({ width: 10, height: 10, interlace }, zeros));
      const r = refuses(
        ['predict', bomb],
        `neurite-mnist: predict: ${bomb} is a PNG whose image data unpack to more than the ${need} bytes its ` +
          `${what} pixels need (a decompression bomb, or a damaged file). Give another PNG.`,
      );
      expect(r.maxRssMb).toBeLessThan(300);
    }
  });

  it('refuses a truncated PNG', () => {
    const whole = png(digit());
    const cut = file('cut.png', whole.subarray(0, Math.floor(whole.length / 2)));
    refuses(
      ['predict', cut],
      `neurite-mnist: predict: ${cut} looks like a PNG but cannot be decoded ` +
        '(its image data do not unpack: unexpected end of file).',
    );
  });

  it('reads good images to the point where a model is needed: PNG, JPEG, 16-bit, 1-bit, interlaced', () => {
    const ink = (x: number, y: number) => x >= 3 && x < 9 && y >= 2 && y < 7;
    const cases: [string, Buffer][] = [
      ['digit.png', png(digit())],
      ['digit.jpg', jpg(digit())],
      ...[0, 1].map((interlace): [string, Buffer] => {
        const h = { width: 13, height: 9, depth: 1, colour: 0, interlace };
        return [`grey1-${interlace}.png`, pngFile(h, deflateSync(scanlines(h, (x, y) => [ink(x, y) ? 0 : 1])))];
      }),
      ...[8, 16].map((depth): [string, Buffer] => {
        const h = { width: 21, height: 17, depth, colour: 6, interlace: 1 };
        const v = (x: number, y: number) => (ink(x, y) ? 0 : 2 ** depth - 1);
        return [
          `rgba${depth}-interlaced.png`,
          pngFile(h, deflateSync(scanlines(h, (x, y) => [v(x, y), v(x, y), v(x, y), 2 ** depth - 1]))),
        ];
      }),
    ];
    for (const [name, content] of cases) {
      const r = run('predict', file(name, content));
      expect(r.err, name).toBe(`${NO_MODEL}\n`);
    }
  });
});
