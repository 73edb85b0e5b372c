import { kernelGrid, type RgbaImage } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

const px = (image: RgbaImage, x: number, y: number) =>
  Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));

describe('kernelGrid', () => {
  it('draws one upscaled tile per filter, 8 pixels per weight by default', () => {
    const first = kernelGrid(new Float32Array(3 * 3 * 1 * 32), [3, 3, 1, 32]);
    expect([first.width, first.height]).toEqual([6 * 24 + 5, 6 * 24 + 5]);
    const eight = kernelGrid(new Float32Array(5 * 5 * 3 * 8), [5, 5, 3, 8], { scale: 2, gap: 0 });
    expect([eight.width, eight.height]).toEqual([30, 30]);
  });

  it('shows the mean over input channels (or the first), diverging around 0 on one scale', () => {
    // [1, 1, 2, 2]: weight (input i, filter o) at i * 2 + o. Filter 0 sees [1, 3], filter 1 sees [-2, 2].
    const kernel = new Float32Array([1, -2, 3, 2]);
    const mean = kernelGrid(kernel, [1, 1, 2, 2], { scale: 1 });
    expect([mean.width, mean.height]).toEqual([3, 1]);
    // means 2 and 0: full red, white
    expect([px(mean, 0, 0), px(mean, 1, 0), px(mean, 2, 0)]).toEqual([
      [178, 24, 43, 255],
      [128, 128, 128, 255],
      [255, 255, 255, 255],
    ]);
    // first input channel: 1 and -2, scaled by 2: half red, full blue
    const first = kernelGrid(kernel, [1, 1, 2, 2], { scale: 1, inputChannel: 'first' });
    expect([px(first, 0, 0), px(first, 2, 0)]).toEqual([
      [217, 140, 149, 255],
      [33, 102, 172, 255],
    ]);
  });

  it('rejects a kernel that is not rank 4', () => {
    expect(() => kernelGrid(new Float32Array(9), [3, 3, 1] as never)).toThrow(
      'kernelGrid: expected a kernel shape [kh, kw, inChannels, outChannels]. Received: [3, 3, 1].',
    );
    expect(() => kernelGrid(new Float32Array(9), [3, 3, 1, 2])).toThrow(
      'kernelGrid: shape [3, 3, 1, 2] holds 18 values but 9 were given.',
    );
    expect(() => kernelGrid(new Float32Array(9), [3, 3, 1, 1], { inputChannel: 'last' as never })).toThrow(
      "kernelGrid: inputChannel must be 'mean' or 'first'.",
    );
  });
});
