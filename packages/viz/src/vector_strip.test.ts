import { type RgbaImage, vectorStrip } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

const px = (image: RgbaImage, x: number, y: number) =>
  Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));

describe('vectorStrip', () => {
  it('draws one cell per value in rows of at most 64, 8 pixels a side by default', () => {
    const size = (n: number, shape?: [number] | [1, number]) => {
      const image = vectorStrip(new Float32Array(n), { shape });
      return [image.width, image.height];
    };
    expect(size(10)).toEqual([80, 8]);
    expect(size(64, [1, 64])).toEqual([512, 8]);
    expect(size(65, [65])).toEqual([512, 16]);
    expect(size(128, [1, 128])).toEqual([512, 16]);
  });

  it('colours every value on one scale, and leaves unused cells grey', () => {
    const image = vectorStrip(new Float32Array([0, 1, 2]), { cellSize: 2, columns: 2 });
    expect([image.width, image.height]).toEqual([4, 4]);
    expect(px(image, 0, 0)).toEqual([68, 1, 84, 255]);
    expect(px(image, 1, 1)).toEqual([68, 1, 84, 255]);
    expect(px(image, 2, 1)).toEqual([33, 145, 140, 255]); // 1 of [0, 2] is viridis(0.5)
    expect(px(image, 1, 3)).toEqual([253, 231, 37, 255]);
    expect(px(image, 3, 3)).toEqual([128, 128, 128, 255]);
  });

  it("keeps 0 white on the 'diverging' map, and a constant vector is not NaN", () => {
    const image = vectorStrip(new Float32Array([-2, 0, 1]), { colormap: 'diverging', cellSize: 1 });
    expect([px(image, 0, 0), px(image, 1, 0), px(image, 2, 0)]).toEqual([
      [33, 102, 172, 255],
      [255, 255, 255, 255],
      [217, 140, 149, 255], // 1 / max|v| = 0.5: halfway from white to red
    ]);
    const constant = vectorStrip(new Float32Array([3, 3]), { colormap: 'grey', cellSize: 1 });
    expect(Array.from(constant.data)).toEqual([0, 0, 0, 255, 0, 0, 0, 255]);
  });

  it('rejects shapes that are not a vector and bad options', () => {
    expect(() => vectorStrip(new Float32Array(4), { shape: [2, 2] as never })).toThrow(
      'vectorStrip: expected one sample, of shape [1, ...] or without the batch axis. Received: shape [2, 2] (a batch of 2).',
    );
    expect(() => vectorStrip(new Float32Array(4), { shape: [1, 5] })).toThrow(
      'vectorStrip: shape [1, 5] holds 5 values but 4 were given.',
    );
    expect(() => vectorStrip(new Float32Array(4), { cellSize: 0 })).toThrow(
      'vectorStrip: cellSize must be an integer >= 1.',
    );
    expect(() => vectorStrip(new Float32Array(0))).toThrow(
      'vectorStrip: the shape must be a list of positive integers.',
    );
  });
});
