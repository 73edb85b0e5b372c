import { NeuriteError } from '@neurite/core';
import { type Colormap, checkColormap, colorize } from './colormaps.js';
import { createImage, GAP_COLOR, type Rgba, type RgbaImage } from './image.js';
import { checkInt, checkValues, dropBatch } from './internal/check.js';
import { channelRanges, unit } from './normalize.js';

/** The most cells in one row of a strip unless `columns` says otherwise. */
export const STRIP_MAX_COLUMNS = 64;

/** How vectorStrip() draws. */
export interface VectorStripOptions {
  /** The tensor shape, [n] or [1, n]; checked against the number of values when given. */
  shape?: [number] | [1, number];
  /** Default 'viridis' (scaled by min/max); 'diverging' scales by max |value|. */
  colormap?: Colormap;
  /** Pixels per cell side, default 8. */
  cellSize?: number;
  /** Cells per row, default min(n, 64). */
  columns?: number;
  /** The colour of the unused cells at the end of the last row, default mid grey. */
  gapColor?: Rgba;
}

/**
 * Draws a dense or flattened output as a heat strip: one square cell per value, left to right, wrapping
 * after 64 cells; the whole vector shares one scale.
 *
 * @example
 * ```ts
 * import { vectorStrip } from '@neurite/viz';
 * const hidden = new Float32Array(128).map((_, i) => (i % 7) / 7);
 * const image = vectorStrip(hidden, { shape: [1, 128] });
 * console.log(image.width, image.height); // 512 16
 * ```
 */
export function vectorStrip(values: Float32Array, options: VectorStripOptions = {}): RgbaImage {
  const what = 'vectorStrip';
  const shape = options.shape ?? [values?.length];
  checkValues(what, values, shape);
  if (shape.length !== 1 && shape.length !== 2) {
    throw new NeuriteError(
      `${what}: expected a shape [n] or [1, n]. Received: [${(shape as number[]).join(', ')}]. Use featureMapGrid() for conv outputs [1, h, w, c].`,
    );
  }
  const [n] = dropBatch(what, shape, 1);
  const map = options.colormap ?? 'viridis';
  checkColormap(map, what);
  const cell = options.cellSize ?? 8;
  checkInt(what, 'cellSize', cell, 1, 'It is the side of one cell in pixels, e.g. 8.');
  if (options.columns !== undefined) checkInt(what, 'columns', options.columns, 1, 'Leave it out for rows of 64.');
  const columns = Math.min(options.columns ?? STRIP_MAX_COLUMNS, n);
  const rows = Math.ceil(n / columns);

  const image = createImage(columns * cell, rows * cell, options.gapColor ?? GAP_COLOR);
  const signed = map === 'diverging';
  const { lo, hi } = channelRanges(values, 1, 'layer', signed);
  const row = new Uint8ClampedArray(cell * 4).fill(255);
  for (let i = 0; i < n; i++) {
    const rgb = colorize(unit(values[i], lo[0], hi[0], signed), map);
    for (let k = 0; k < cell; k++) row.set(rgb, k * 4);
    const left = (i % columns) * cell;
    const top = Math.floor(i / columns) * cell;
    for (let dy = 0; dy < cell; dy++) image.data.set(row, ((top + dy) * image.width + left) * 4);
  }
  return image;
}
