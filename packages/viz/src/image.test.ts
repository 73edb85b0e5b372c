import { createImage, upscaleImage } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

describe('createImage and upscaleImage', () => {
  it('fills a new image with one colour', () => {
    const image = createImage(2, 1, [1, 2, 3, 4]);
    expect([image.width, image.height]).toEqual([2, 1]);
    expect(Array.from(image.data)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect(Array.from(createImage(1, 1).data)).toEqual([0, 0, 0, 0]);
  });

  it('upscales by whole factors, each pixel becoming a block', () => {
    const image = createImage(2, 1);
    image.data.set([10, 20, 30, 255, 40, 50, 60, 255]);
    const big = upscaleImage(image, 2);
    expect([big.width, big.height]).toEqual([4, 2]);
    const row = [10, 20, 30, 255, 10, 20, 30, 255, 40, 50, 60, 255, 40, 50, 60, 255];
    expect(Array.from(big.data)).toEqual([...row, ...row]);
    const same = upscaleImage(image, 1);
    expect(Array.from(same.data)).toEqual(Array.from(image.data));
    expect(same.data).not.toBe(image.data);
  });

  it('rejects bad sizes and malformed images with clear messages', () => {
    expect(() => createImage(0, 2)).toThrow('createImage: width must be a positive integer. Received: width=0.');
    expect(() => createImage(2, 1.5)).toThrow('createImage: height must be a positive integer. Received: height=1.5.');
    expect(() => upscaleImage(createImage(1, 1), 0)).toThrow('upscaleImage: factor must be a positive integer.');
    const bad = { width: 2, height: 2, data: new Uint8ClampedArray(4) };
    expect(() => upscaleImage(bad, 2)).toThrow(
      'upscaleImage: expected an RgbaImage { width, height, data: Uint8ClampedArray of width * height * 4 bytes }. Received: width=2, height=2, data of length 4.',
    );
  });
});
