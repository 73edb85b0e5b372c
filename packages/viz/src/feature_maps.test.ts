import { featureMapGrid, type RgbaImage } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

// A [2, 2, 2] map, channels-last. Channel 0 is [[0, 1], [2, 3]]; channel 1 is [[-4, 0], [4, 8]].
const values = new Float32Array([0, -4, 1, 0, 2, 4, 3, 8]);
const shape: [number, number, number] = [2, 2, 2];
const GAP = [128, 128, 128, 255];

const px = (image: RgbaImage, x: number, y: number) =>
  Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));
/** The four pixels of tile `t` (row-major) in a 2x2-tile, 1-pixel-gap, scale-1 grid of one row. */
const tile = (image: RgbaImage, t: number) => [
  px(image, 3 * t, 0),
  px(image, 3 * t + 1, 0),
  px(image, 3 * t, 1),
  px(image, 3 * t + 1, 1),
];
const rgba = (...rgbs: number[][]) => rgbs.map((c) => [...c, 255]);

describe('featureMapGrid', () => {
  it('lays two 2x2 tiles side by side with a 1-pixel grey gap', () => {
    const image = featureMapGrid(values, shape, { colormap: 'grey' });
    expect([image.width, image.height]).toEqual([5, 2]);
    expect(px(image, 2, 0)).toEqual(GAP);
    expect(px(image, 2, 1)).toEqual(GAP);
    expect(featureMapGrid(values, [1, 2, 2, 2]).data).toEqual(featureMapGrid(values, shape).data);
  });

  it("'grey', per channel: each tile from black to white", () => {
    const image = featureMapGrid(values, shape, { colormap: 'grey', normalize: 'channel' });
    const ramp = rgba([0, 0, 0], [85, 85, 85], [170, 170, 170], [255, 255, 255]);
    expect(tile(image, 0)).toEqual(ramp);
    expect(tile(image, 1)).toEqual(ramp);
  });

  it("'grey', per layer: one range [-4, 8] for both tiles", () => {
    const image = featureMapGrid(values, shape, { colormap: 'grey', normalize: 'layer' });
    // channel 0: (v + 4) / 12 * 255 = 85, 106.25, 127.5, 148.75
    expect(tile(image, 0)).toEqual(rgba([85, 85, 85], [106, 106, 106], [128, 128, 128], [149, 149, 149]));
    expect(tile(image, 1)).toEqual(rgba([0, 0, 0], [85, 85, 85], [170, 170, 170], [255, 255, 255]));
  });

  it("'viridis', per channel and per layer", () => {
    const byChannel = featureMapGrid(values, shape, { colormap: 'viridis' });
    const ramp = rgba([68, 1, 84], [49, 103, 141], [57, 183, 119], [253, 231, 37]);
    expect(tile(byChannel, 0)).toEqual(ramp);
    expect(tile(byChannel, 1)).toEqual(ramp);
    const byLayer = featureMapGrid(values, shape, { colormap: 'viridis', normalize: 'layer' });
    expect(px(byLayer, 0, 0)).toEqual([49, 103, 141, 255]); // 0 -> 1/3
    expect(px(byLayer, 1, 1)).toEqual([34, 164, 133, 255]); // 3 -> 7/12
    expect(tile(byLayer, 1)).toEqual(ramp);
  });

  it("'diverging' keeps 0 white, per channel (max |v| of each tile) and per layer (max |v| = 8)", () => {
    const byChannel = featureMapGrid(values, shape, { colormap: 'diverging' });
    expect(tile(byChannel, 0)).toEqual(rgba([255, 255, 255], [229, 178, 184], [204, 101, 114], [178, 24, 43]));
    expect(tile(byChannel, 1)).toEqual(rgba([144, 179, 214], [255, 255, 255], [217, 140, 149], [178, 24, 43]));
    const byLayer = featureMapGrid(values, shape, { colormap: 'diverging', normalize: 'layer' });
    expect(tile(byLayer, 0)).toEqual(rgba([255, 255, 255], [245, 226, 229], [236, 197, 202], [226, 168, 176]));
    expect(tile(byLayer, 1)).toEqual(tile(byChannel, 1));
  });

  it('maps constant tiles to the low end (white on the diverging map), never NaN', () => {
    const constant = new Float32Array([5, 0, 5, 0, 5, 0, 5, 0]);
    for (const [normalize, v] of [
      ['channel', constant],
      ['layer', new Float32Array(8).fill(5)],
    ] as const) {
      const grey = featureMapGrid(v, shape, { colormap: 'grey', normalize });
      expect(
        tile(grey, 0)
          .concat(tile(grey, 1))
          .every((p) => p.join() === '0,0,0,255'),
      ).toBe(true);
    }
    const viridis = featureMapGrid(new Float32Array(8).fill(2), shape, { colormap: 'viridis' });
    expect(new Set(tile(viridis, 0).concat(tile(viridis, 1)).map(String))).toEqual(new Set(['68,1,84,255']));
    const zeros = featureMapGrid(new Float32Array(8), shape, { colormap: 'diverging' });
    expect(new Set(tile(zeros, 0).concat(tile(zeros, 1)).map(String))).toEqual(new Set(['255,255,255,255']));
    // A constant non-zero tile keeps its sign: scaled by its max |v|, +5 is full red.
    expect(tile(featureMapGrid(constant, shape, { colormap: 'diverging' }), 0)[0]).toEqual([178, 24, 43, 255]);
  });

  it('scales values to blocks, honours columns and gap, and pads the grid with the gap colour', () => {
    const big = featureMapGrid(values, shape, { colormap: 'grey', scale: 2, gap: 2 });
    expect([big.width, big.height]).toEqual([10, 4]);
    expect([px(big, 0, 0), px(big, 1, 1), px(big, 2, 0), px(big, 3, 3)].map((p) => p[0])).toEqual([0, 0, 85, 255]);
    expect(px(big, 4, 2)).toEqual(GAP);
    expect(px(big, 5, 2)).toEqual(GAP);
    expect(px(big, 6, 0)[0]).toEqual(0);
    const column = featureMapGrid(values, shape, { colormap: 'grey', columns: 1, gap: 0 });
    expect([column.width, column.height]).toEqual([2, 4]);
    expect(px(column, 1, 3)).toEqual([255, 255, 255, 255]);
    // 3 channels in a 2x2 grid: the fourth slot is gap colour.
    const three = featureMapGrid(new Float32Array(12), [2, 2, 3], { gapColor: [1, 2, 3, 4] });
    expect([three.width, three.height]).toEqual([5, 5]);
    expect(px(three, 3, 3)).toEqual([1, 2, 3, 4]);
    expect(px(three, 0, 3)).toEqual([68, 1, 84, 255]);
  });

  it('gives the grid size of a real conv layer', () => {
    const image = featureMapGrid(new Float32Array(26 * 26 * 32), [1, 26, 26, 32]);
    expect([image.width, image.height]).toEqual([6 * 26 + 5, 6 * 26 + 5]);
  });

  it('rejects mismatched shapes, batches and options with clear messages', () => {
    expect(() => featureMapGrid(values, [2, 2, 3])).toThrow(
      'featureMapGrid: shape [2, 2, 3] holds 12 values but 8 were given.',
    );
    expect(() => featureMapGrid(new Float32Array(16), [2, 2, 2, 2] as never)).toThrow(
      'featureMapGrid: expected one sample, of shape [1, ...] or without the batch axis. Received: shape [2, 2, 2, 2] (a batch of 2).',
    );
    expect(() => featureMapGrid(values, [8] as never)).toThrow(
      'featureMapGrid: expected a shape [h, w, c] or [1, h, w, c]. Received: [8] (rank 1). Use vectorStrip()',
    );
    expect(() => featureMapGrid(values, shape, { scale: 0 })).toThrow('featureMapGrid: scale must be an integer >= 1.');
    expect(() => featureMapGrid(values, shape, { gap: -1 })).toThrow(
      'featureMapGrid: gap must be a non-negative integer.',
    );
    expect(() => featureMapGrid(values, shape, { colormap: 'hot' as never })).toThrow(
      "featureMapGrid: unknown colormap 'hot'. Expected one of: grey, viridis, diverging.",
    );
  });
});
