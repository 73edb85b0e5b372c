import { NeuriteError } from '@neurite/core';
import type { Colormap } from './colormaps.js';
import { featureMapGrid } from './feature_maps.js';
import type { Rgba, RgbaImage } from './image.js';
import { checkValues } from './internal/check.js';
import type { Normalize } from './normalize.js';

/** How kernelGrid() draws. */
export interface KernelGridOptions {
  /** What a tile shows when a filter has several input channels: their 'mean' (default) or the 'first'. */
  inputChannel?: 'mean' | 'first';
  /** Default 'diverging': negative weights blue, zero white, positive red. */
  colormap?: Colormap;
  /** Default 'layer', so that filters are comparable; 'channel' scales each filter by itself. */
  normalize?: Normalize;
  /** Pixels per weight, default 8 (a 3x3 kernel becomes 24x24 pixels). */
  scale?: number;
  /** Pixels between tiles, default 1. */
  gap?: number;
  /** Tiles per row; default ceil(sqrt(filters)). */
  columns?: number;
  gapColor?: Rgba;
}

/**
 * Draws a conv layer's filters, one tile per output channel, from its kernel of shape
 * `[kh, kw, inChannels, outChannels]` (how Conv2D stores it). Meant for the first layer, whose filters
 * look at the image itself.
 *
 * @example
 * ```ts
 * import { kernelGrid } from '@neurite/viz';
 * const kernel = new Float32Array(3 * 3 * 1 * 8).map((_, i) => Math.cos(i));
 * const image = kernelGrid(kernel, [3, 3, 1, 8]);
 * console.log(image.width, image.height); // 74 74
 * ```
 */
export function kernelGrid(
  values: Float32Array,
  shape: [number, number, number, number],
  options: KernelGridOptions = {},
): RgbaImage {
  checkValues('kernelGrid', values, shape);
  if (shape.length !== 4) {
    throw new NeuriteError(
      `kernelGrid: expected a kernel shape [kh, kw, inChannels, outChannels]. Received: [${shape.join(', ')}]. ` +
        "Pass a Conv2D kernel, e.g. the first of `await layer.getWeightValues()` with the layer's kernel shape.",
    );
  }
  const [kh, kw, inC, outC] = shape;
  const reduce = options.inputChannel ?? 'mean';
  if (reduce !== 'mean' && reduce !== 'first') {
    throw new NeuriteError(
      `kernelGrid: inputChannel must be 'mean' or 'first'. Received: inputChannel=${JSON.stringify(reduce)}.`,
    );
  }
  // [kh, kw, inC, outC] -> [kh, kw, outC]: one channels-last map per filter.
  const maps = new Float32Array(kh * kw * outC);
  for (let p = 0; p < kh * kw; p++) {
    for (let o = 0; o < outC; o++) {
      if (reduce === 'first') {
        maps[p * outC + o] = values[p * inC * outC + o];
        continue;
      }
      let sum = 0;
      for (let i = 0; i < inC; i++) sum += values[(p * inC + i) * outC + o];
      maps[p * outC + o] = sum / inC;
    }
  }
  return featureMapGrid(maps, [kh, kw, outC], {
    colormap: options.colormap ?? 'diverging',
    normalize: options.normalize ?? 'layer',
    scale: options.scale ?? 8,
    gap: options.gap ?? 1,
    columns: options.columns,
    gapColor: options.gapColor,
  });
}
