// The browser adapter without a browser: a stand-in canvas records putImageData, and in Node (no
// document) renderReportElement encodes PNGs with the plain-JS encoder. Real browsers: apps' tests.
import { createImage, featureMapGrid } from '@neurite/viz';
import { drawImage, renderReportElement } from '@neurite/viz/browser';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

class FakeImageData {
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {}
}

function fakeCanvas() {
  const calls: { image: FakeImageData; x: number; y: number }[] = [];
  const canvas = {
    width: 0,
    height: 0,
    getContext: (kind: string) =>
      kind === '2d'
        ? { putImageData: (image: FakeImageData, x: number, y: number) => calls.push({ image, x, y }) }
        : null,
  };
  return { canvas: canvas as unknown as OffscreenCanvas, calls };
}

describe('drawImage', () => {
  it('resizes the canvas and puts the (upscaled) pixels at the origin', () => {
    const g = globalThis as { ImageData?: unknown };
    const had = g.ImageData;
    g.ImageData = FakeImageData;
    try {
      const image = createImage(2, 1);
      image.data.set([1, 2, 3, 255, 4, 5, 6, 255]);
      const { canvas, calls } = fakeCanvas();
      drawImage(canvas, image, 2);
      expect([canvas.width, canvas.height]).toEqual([4, 2]);
      expect(calls).toHaveLength(1);
      expect([calls[0].x, calls[0].y, calls[0].image.width, calls[0].image.height]).toEqual([0, 0, 4, 2]);
      expect(Array.from(calls[0].image.data.subarray(0, 16))).toEqual([
        1, 2, 3, 255, 1, 2, 3, 255, 4, 5, 6, 255, 4, 5, 6, 255,
      ]);
    } finally {
      g.ImageData = had;
    }
  });

  it('says so when the canvas has no 2d context', () => {
    const canvas = { width: 0, height: 0, getContext: () => null } as unknown as OffscreenCanvas;
    expect(() => drawImage(canvas, createImage(1, 1))).toThrow('drawImage: the canvas gave no 2d context.');
  });
});

describe('renderReportElement', () => {
  const values = new Float32Array(2 * 2 * 3).map((_, i) => i - 5);
  const html = renderReportElement({
    summary: { name: 'tiny', rows: [], totalParams: 0, trainableParams: 0, nonTrainableParams: 0 },
    input: { values: new Float32Array(16).map((_, i) => i), shape: [4, 4] },
    layers: [
      { name: 'conv', className: 'Conv2D', shape: [1, 2, 2, 3], values },
      { name: 'out', className: 'Dense', shape: [1, 2], values: new Float32Array([0.25, 0.75]) },
    ],
    prediction: { digit: 1, probabilities: [0.25, 0.75] },
    options: { colormap: 'diverging' },
  });

  it('is a fragment with scoped style and the same layer sections', () => {
    expect(html.startsWith('<div class="neurite-report"><style>')).toBe(true);
    expect(html).not.toContain('<html');
    expect([...html.matchAll(/class="layer" data-layer="([^"]*)"/g)].map((m) => m[1])).toEqual(['conv', 'out']);
    expect(html.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, '')).not.toMatch(/https?:\/\//);
  });

  it('embeds valid PNGs without a canvas (plain-JS encoder), pixel for pixel', () => {
    const srcs = [...html.matchAll(/<img [^>]*src="([^"]*)"/g)].map((m) => m[1]);
    expect(srcs).toHaveLength(2);
    const conv = PNG.sync.read(Buffer.from(srcs[1].slice('data:image/png;base64,'.length), 'base64'));
    const expected = featureMapGrid(values, [2, 2, 3], { colormap: 'diverging' });
    expect([conv.width, conv.height]).toEqual([expected.width, expected.height]);
    expect(Buffer.compare(conv.data, Buffer.from(expected.data))).toBe(0);
  });
});
