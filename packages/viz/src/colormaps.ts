import { NeuriteError } from '@neurite/core';

/** The colour maps: 'grey' and 'viridis' take values in [0, 1]; 'diverging' takes signed values in [-1, 1]. */
export type Colormap = 'grey' | 'viridis' | 'diverging';

/** Every colour map's name, in the order the docs list them. */
export const colormaps: readonly Colormap[] = ['grey', 'viridis', 'diverging'];

/**
 * matplotlib's viridis sampled at 0, 0.1, ..., 1 (11 stops); colorize() interpolates linearly between
 * them. The largest difference from matplotlib's 256-entry table is a few units of 255.
 */
export const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = [
  [0x44, 0x01, 0x54],
  [0x48, 0x24, 0x75],
  [0x41, 0x44, 0x87],
  [0x35, 0x5f, 0x8d],
  [0x2a, 0x78, 0x8e],
  [0x21, 0x91, 0x8c],
  [0x22, 0xa8, 0x84],
  [0x44, 0xbf, 0x70],
  [0x7a, 0xd1, 0x51],
  [0xbd, 0xdf, 0x26],
  [0xfd, 0xe7, 0x25],
];

/** The ends of the diverging map (ColorBrewer RdBu's darkest blue and red); its middle is white. */
export const DIVERGING_NEGATIVE = [0x21, 0x66, 0xac] as const;
export const DIVERGING_POSITIVE = [0xb2, 0x18, 0x2b] as const;

const WHITE = [255, 255, 255] as const;

function mix(a: readonly number[], b: readonly number[], t: number): [number, number, number] {
  return [
    Math.round(a[0] + t * (b[0] - a[0])),
    Math.round(a[1] + t * (b[1] - a[1])),
    Math.round(a[2] + t * (b[2] - a[2])),
  ];
}

/**
 * The colour of one value. For 'grey' and 'viridis', `value` is in [0, 1] (0 black / dark purple, 1 white /
 * yellow); for 'diverging' it is in [-1, 1] (-1 blue, 0 white, +1 red). Values outside are clamped and
 * NaN counts as 0, so a renderer never produces NaN bytes.
 *
 * @example
 * ```ts
 * import { colorize } from '@neurite/viz';
 * console.log(colorize(1, 'grey'), colorize(0, 'viridis'), colorize(0, 'diverging'));
 * // [255, 255, 255] [68, 1, 84] [255, 255, 255]
 * ```
 */
export function colorize(value: number, map: Colormap): [number, number, number] {
  const v = Number.isNaN(value) ? 0 : value;
  if (map === 'grey') {
    const g = Math.round(Math.min(1, Math.max(0, v)) * 255);
    return [g, g, g];
  }
  if (map === 'viridis') {
    const pos = Math.min(1, Math.max(0, v)) * (VIRIDIS_STOPS.length - 1);
    const i = Math.min(Math.floor(pos), VIRIDIS_STOPS.length - 2);
    return mix(VIRIDIS_STOPS[i], VIRIDIS_STOPS[i + 1], pos - i);
  }
  if (map === 'diverging') {
    const s = Math.min(1, Math.max(-1, v));
    return s < 0 ? mix(WHITE, DIVERGING_NEGATIVE, -s) : mix(WHITE, DIVERGING_POSITIVE, s);
  }
  throw new NeuriteError(
    `Unknown colormap '${String(map)}'. Expected one of: ${colormaps.join(', ')}. Received: colormap='${String(map)}'. ` +
      "Use 'diverging' for signed values such as weights, 'viridis' or 'grey' otherwise.",
  );
}

/** Throws unless `map` names a colour map (checked once per render, not per pixel). */
export function checkColormap(map: unknown, what: string): asserts map is Colormap {
  if (!colormaps.includes(map as Colormap)) {
    throw new NeuriteError(
      `${what}: unknown colormap '${String(map)}'. Expected one of: ${colormaps.join(', ')}. ` +
        `Received: colormap=${JSON.stringify(map)}. Use 'diverging' for signed values, 'viridis' or 'grey' otherwise.`,
    );
  }
}
