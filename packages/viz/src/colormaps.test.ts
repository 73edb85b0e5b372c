import { colorize } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

describe('colorize', () => {
  it("'grey' runs from black at 0 to white at 1, clamped outside", () => {
    expect(colorize(0, 'grey')).toEqual([0, 0, 0]);
    expect(colorize(1, 'grey')).toEqual([255, 255, 255]);
    expect(colorize(0.2, 'grey')).toEqual([51, 51, 51]);
    expect(colorize(-3, 'grey')).toEqual([0, 0, 0]);
    expect(colorize(7, 'grey')).toEqual([255, 255, 255]);
  });

  it("'viridis' hits matplotlib's stops and interpolates linearly between them", () => {
    expect(colorize(0, 'viridis')).toEqual([68, 1, 84]); // #440154
    expect(colorize(0.5, 'viridis')).toEqual([33, 145, 140]); // #21918c
    expect(colorize(1, 'viridis')).toEqual([253, 231, 37]); // #fde725
    expect(colorize(0.8, 'viridis')).toEqual([122, 209, 81]); // #7ad151
    // 0.35 is halfway between #355f8d (0.3) and #2a788e (0.4): (47.5, 107.5, 141.5), rounded.
    expect(colorize(0.35, 'viridis')).toEqual([48, 108, 142]);
  });

  it("'diverging' is blue at -1, white at 0 and red at +1", () => {
    expect(colorize(-1, 'diverging')).toEqual([33, 102, 172]);
    expect(colorize(0, 'diverging')).toEqual([255, 255, 255]);
    expect(colorize(-0, 'diverging')).toEqual([255, 255, 255]);
    expect(colorize(1, 'diverging')).toEqual([178, 24, 43]);
    // Halfway to red: 255 + 0.5 * (178 - 255) = 216.5 -> 217, 139.5 -> 140, 149.
    expect(colorize(0.5, 'diverging')).toEqual([217, 140, 149]);
    expect(colorize(-5, 'diverging')).toEqual([33, 102, 172]);
  });

  it('maps NaN to 0 so that no colour is NaN', () => {
    expect(colorize(Number.NaN, 'grey')).toEqual([0, 0, 0]);
    expect(colorize(Number.NaN, 'viridis')).toEqual([68, 1, 84]);
    expect(colorize(Number.NaN, 'diverging')).toEqual([255, 255, 255]);
  });

  it('rejects an unknown colour map', () => {
    expect(() => colorize(0.5, 'jet' as never)).toThrow(
      "Unknown colormap 'jet'. Expected one of: grey, viridis, diverging. Received: colormap='jet'.",
    );
  });
});
