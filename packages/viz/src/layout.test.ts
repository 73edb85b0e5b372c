import { tileLayout } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

describe('tileLayout', () => {
  it('is near-square: ceil(sqrt(c)) columns and as many rows as needed', () => {
    const cases: [number, number, number][] = [
      [1, 1, 1],
      [2, 2, 1],
      [3, 2, 2],
      [4, 2, 2],
      [5, 3, 2],
      [8, 3, 3],
      [32, 6, 6],
      [64, 8, 8],
    ];
    for (const [c, columns, rows] of cases) expect(tileLayout(c), `c=${c}`).toEqual({ columns, rows });
  });

  it('takes a column count, never more than the tiles', () => {
    expect(tileLayout(10, 4)).toEqual({ columns: 4, rows: 3 });
    expect(tileLayout(8, 1)).toEqual({ columns: 1, rows: 8 });
    expect(tileLayout(3, 10)).toEqual({ columns: 3, rows: 1 });
  });

  it('rejects bad counts with clear messages', () => {
    expect(() => tileLayout(0)).toThrow('tileLayout: the tile count must be a positive integer. Received: 0.');
    expect(() => tileLayout(4, 0)).toThrow('tileLayout: columns must be a positive integer. Received: columns=0.');
  });
});
