import { NeuriteError } from '@neurite/core';

/** 'channel': each feature map scaled by its own range; 'layer': one range for the whole layer. */
export type Normalize = 'channel' | 'layer';

const modes: readonly Normalize[] = ['channel', 'layer'];

/** Each channel's range: [lo, hi] (min and max), or for signed data lo = 0 and hi = max |value|. */
export interface ChannelRanges {
  lo: Float64Array;
  hi: Float64Array;
}

/** Ranges of channels-last data (`channels` values interleaved); non-finite values are left out. */
export function channelRanges(
  values: ArrayLike<number>,
  channels: number,
  mode: Normalize,
  signed: boolean,
): ChannelRanges {
  if (!modes.includes(mode)) {
    throw new NeuriteError(
      `Unknown normalize mode '${String(mode)}'. Expected one of: ${modes.join(', ')}. Received: normalize=${JSON.stringify(mode)}. ` +
        "Use 'channel' to scale each feature map by its own range, 'layer' to compare maps within a layer.",
    );
  }
  const lo = new Float64Array(channels).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(channels).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const c = i % channels;
    const a = signed ? Math.abs(v) : v;
    if (a < lo[c]) lo[c] = a;
    if (a > hi[c]) hi[c] = a;
  }
  if (mode === 'layer') {
    lo.fill(Math.min(...lo));
    hi.fill(Math.max(...hi));
  }
  for (let c = 0; c < channels; c++) {
    // A channel without a finite value gets an empty range, which unit() maps to 0.
    if (!Number.isFinite(hi[c])) lo[c] = hi[c] = 0;
    if (signed) lo[c] = 0;
  }
  return { lo, hi };
}

/**
 * One value scaled into [0, 1] by [lo, hi], or for signed data into [-1, 1] by hi = max |value|. An
 * empty range (a constant map) and non-finite values give 0: the low end, or white on the diverging map.
 */
export function unit(v: number, lo: number, hi: number, signed: boolean): number {
  if (!Number.isFinite(v)) return 0;
  if (signed) return hi > 0 ? v / hi : 0;
  return hi > lo ? (v - lo) / (hi - lo) : 0;
}

/**
 * Scales channels-last values for a colour map: into [0, 1] by min/max, or with `signed` into [-1, 1] by
 * the largest |value| so that 0 stays 0. `normalize: 'channel'` (default) uses each channel's own range.
 *
 * @example
 * ```ts
 * import { normalizeValues } from '@neurite/viz';
 * // two channels interleaved: channel 0 is [0, 2], channel 1 is [-1, 4]
 * const v = new Float32Array([0, -1, 2, 4]);
 * console.log(Array.from(normalizeValues(v, 2))); // [0, 0, 1, 1]
 * console.log(Array.from(normalizeValues(v, 2, { normalize: 'layer', signed: true }))); // [0, -0.25, 0.5, 1]
 * ```
 */
export function normalizeValues(
  values: ArrayLike<number>,
  channels = 1,
  options: { normalize?: Normalize; signed?: boolean } = {},
): Float32Array {
  if (!Number.isInteger(channels) || channels < 1 || values.length % channels !== 0) {
    throw new NeuriteError(
      `normalizeValues: channels must be a positive integer dividing the number of values. ` +
        `Received: channels=${channels} for ${values.length} values. Pass the last axis of the shape.`,
    );
  }
  const signed = options.signed ?? false;
  const { lo, hi } = channelRanges(values, channels, options.normalize ?? 'channel', signed);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = i % channels;
    out[i] = unit(values[i], lo[c], hi[c], signed);
  }
  return out;
}
