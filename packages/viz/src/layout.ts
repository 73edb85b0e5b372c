import { NeuriteError } from '@neurite/core';

/** Where tiles go: `columns` per row, `rows` rows, filled row by row. */
export interface TileLayout {
  columns: number;
  rows: number;
}

/**
 * The grid for `count` tiles: `columns` (default `ceil(sqrt(count))`, near-square, never more than
 * `count`) and as many rows as needed. Tile `i` sits at row `floor(i / columns)`, column `i % columns`.
 *
 * @example
 * ```ts
 * import { tileLayout } from '@neurite/viz';
 * console.log(tileLayout(32), tileLayout(5), tileLayout(10, 4));
 * // { columns: 6, rows: 6 } { columns: 3, rows: 2 } { columns: 4, rows: 3 }
 * ```
 */
export function tileLayout(count: number, columns?: number): TileLayout {
  if (!Number.isInteger(count) || count < 1) {
    throw new NeuriteError(
      `tileLayout: the tile count must be a positive integer. Received: ${count}. ` +
        'Pass the number of channels (the last axis of the feature-map shape).',
    );
  }
  if (columns !== undefined && (!Number.isInteger(columns) || columns < 1)) {
    throw new NeuriteError(
      `tileLayout: columns must be a positive integer. Received: columns=${columns}. Leave it out for a near-square grid.`,
    );
  }
  const cols = Math.min(columns ?? Math.ceil(Math.sqrt(count)), count);
  return { columns: cols, rows: Math.ceil(count / cols) };
}
