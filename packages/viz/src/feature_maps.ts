import { NeuriteError } from '@neurite/core';
import { type Colormap, checkColormap, colorize } from './colormaps.js';
import { createImage, GAP_COLOR, type Rgba, type RgbaImage } from './image.js';
import { checkInt, checkValues, dropBatch } from './internal/check.js';
import { tileLayout } from './layout.js';
import { channelRanges, type Normalize, unit } from './normalize.js';

/** How featureMapGrid() draws. */
export interface FeatureMapOptions {
  /** 'channel' (default): each tile scaled by its own min/max; 'layer': one range for every tile. */
  normalize?: Normalize;
  /** Default 'viridis'. 'diverging' scales by max |value| so that 0 stays white. */
  colormap?: Colormap;
  /** Pixels per value, default 1. */
  scale?: number;
  /** Pixels between tiles, default 1. */
  gap?: number;
  /** Tiles per row; default ceil(sqrt(channels)). */
  columns?: number;
  /** The gap colour, default mid grey. */
  gapColor?: Rgba;
}

/**
 * Draws a conv layer's output, one tile per channel in a near-square grid (channel 0 top-left, then row
 * by row), tiles separated by `gap` grey pixels. The values are channels-last, as tensors hold them:
 * value (y, x, channel) is at `(y * w + x) * c + channel`.
 *
 * @example
 * ```ts
 * import { featureMapGrid } from '@neurite/viz';
 * const values = new Float32Array(26 * 26 * 8).map((_, i) => Math.sin(i));
 * const image = featureMapGrid(values, [1, 26, 26, 8], { colormap: 'grey', scale: 2 });
 * console.log(image.width, image.height); // 158 158
 * ```
 */
export function featureMapGrid(
  values: Float32Array,
  shape: [number, number, number] | [1, number, number, number],
  options: FeatureMapOptions = {},
): RgbaImage {
  const what = 'featureMapGrid';
  checkValues(what, values, shape);
  if (shape.length !== 3 && shape.length !== 4) {
    throw new NeuriteError(
      `${what}: expected a shape [h, w, c] or [1, h, w, c]. Received: [${(shape as number[]).join(', ')}] (rank ${(shape as number[]).length}). ` +
        'Use vectorStrip() for dense outputs [n] or [1, n].',
    );
  }
  const [h, w, c] = dropBatch(what, shape, 3);
  const map = options.colormap ?? 'viridis';
  checkColormap(map, what);
  const scale = options.scale ?? 1;
  const gap = options.gap ?? 1;
  checkInt(what, 'scale', scale, 1, 'It is the number of pixels per value, e.g. 2.');
  checkInt(what, 'gap', gap, 0, 'It is the number of pixels between tiles, e.g. 1.');
  const { columns, rows } = tileLayout(c, options.columns);

  const tw = w * scale;
  const th = h * scale;
  const image = createImage(
    columns * tw + (columns - 1) * gap,
    rows * th + (rows - 1) * gap,
    options.gapColor ?? GAP_COLOR,
  );
  const signed = map === 'diverging';
  const { lo, hi } = channelRanges(values, c, options.normalize ?? 'channel', signed);
  const pixel = new Uint8ClampedArray(4 * scale).fill(255);
  for (let ch = 0; ch < c; ch++) {
    const left = (ch % columns) * (tw + gap);
    const top = Math.floor(ch / columns) * (th + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const rgb = colorize(unit(values[(y * w + x) * c + ch], lo[ch], hi[ch], signed), map);
        for (let k = 0; k < scale; k++) pixel.set(rgb, k * 4);
        // One value is a scale x scale block: write the same row of `scale` pixels `scale` times.
        for (let dy = 0; dy < scale; dy++) {
          image.data.set(pixel, ((top + y * scale + dy) * image.width + left + x * scale) * 4);
        }
      }
    }
  }
  return image;
}
