import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImage, featureMapGrid } from '@neurite/viz';
import { encodePng, pngDataUri, writePng } from '@neurite/viz/node';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'neurite-viz-png-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const image = featureMapGrid(new Float32Array([0, -4, 1, 0, 2, 4, 3, 8]), [2, 2, 2], {
  colormap: 'diverging',
  scale: 3,
});

describe('encodePng', () => {
  it('round-trips through pngjs byte for byte', () => {
    const png = encodePng(image);
    expect(png).toBeInstanceOf(Uint8Array);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const back = PNG.sync.read(Buffer.from(png));
    expect([back.width, back.height]).toEqual([image.width, image.height]);
    expect(Buffer.compare(back.data, Buffer.from(image.data))).toBe(0);
  });

  it('keeps transparency and reads images that are views into a larger buffer', () => {
    const backing = new Uint8ClampedArray(4 + 8);
    backing.set([9, 9, 9, 9, 1, 2, 3, 0, 250, 251, 252, 128]);
    const view = { width: 2, height: 1, data: backing.subarray(4) };
    const back = PNG.sync.read(Buffer.from(encodePng(view)));
    expect(Array.from(back.data)).toEqual([1, 2, 3, 0, 250, 251, 252, 128]);
  });

  it('rejects a malformed image', () => {
    expect(() => encodePng({ width: 3, height: 1, data: new Uint8ClampedArray(8) })).toThrow(
      'encodePng: expected an RgbaImage { width, height, data: Uint8ClampedArray of width * height * 4 bytes }. Received: width=3, height=1, data of length 8.',
    );
  });
});

describe('pngDataUri', () => {
  it('is the base64 of the PNG bytes', () => {
    const uri = pngDataUri(createImage(1, 1, [255, 0, 0, 255]));
    expect(uri.startsWith('data:image/png;base64,')).toBe(true);
    const back = PNG.sync.read(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64'));
    expect(Array.from(back.data)).toEqual([255, 0, 0, 255]);
  });
});

describe('writePng', () => {
  it('writes the file, creating folders, and leaves no temporary file', async () => {
    const path = join(dir, 'nested', 'maps.png');
    await writePng(path, image);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['maps.png']);
    const back = PNG.sync.read(readFileSync(path));
    expect(Buffer.compare(back.data, Buffer.from(image.data))).toBe(0);
    // Overwriting replaces the file whole.
    await writePng(path, createImage(1, 1));
    expect(PNG.sync.read(readFileSync(path)).width).toBe(1);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['maps.png']);
  });

  it('leaves no temporary file when the write fails', async () => {
    const target = join(dir, 'taken');
    await writePng(join(target, 'a.png'), createImage(1, 1));
    // Renaming a file over a non-empty folder fails.
    await expect(writePng(target, createImage(1, 1))).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
