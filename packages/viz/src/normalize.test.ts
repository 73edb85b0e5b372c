import { normalizeValues } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

// Two channels interleaved (channels-last): channel 0 is [0, 1, 2, 3], channel 1 is [-4, 0, 4, 8].
const values = new Float32Array([0, -4, 1, 0, 2, 4, 3, 8]);

describe('normalizeValues', () => {
  it("'channel' scales each channel by its own min and max", () => {
    expect(Array.from(normalizeValues(values, 2))).toEqual([0, 0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1, 1].map(Math.fround));
  });

  it("'layer' scales every channel by the layer's min and max", () => {
    const got = Array.from(normalizeValues(values, 2, { normalize: 'layer' }));
    expect(got).toEqual([4, 0, 5, 4, 6, 8, 7, 12].map((v) => Math.fround(v / 12)));
  });

  it('signed values are divided by the largest |value|, so that 0 stays 0', () => {
    expect(Array.from(normalizeValues(values, 2, { signed: true }))).toEqual(
      [0, -0.5, 1 / 3, 0, 2 / 3, 0.5, 1, 1].map(Math.fround),
    );
    expect(Array.from(normalizeValues(values, 2, { signed: true, normalize: 'layer' }))).toEqual(
      [0, -0.5, 0.125, 0, 0.25, 0.5, 0.375, 1].map(Math.fround),
    );
  });

  it('maps constant channels and non-finite values to 0, never NaN', () => {
    const constant = new Float32Array([5, 0, 5, 0]);
    expect(Array.from(normalizeValues(constant, 2))).toEqual([0, 0, 0, 0]);
    expect(Array.from(normalizeValues(constant, 2, { signed: true }))).toEqual([1, 0, 1, 0]);
    const holes = new Float32Array([Number.NaN, 1, Number.POSITIVE_INFINITY, 3]);
    expect(Array.from(normalizeValues(holes))).toEqual([0, 0, 0, 1]);
    expect(Array.from(normalizeValues(new Float32Array([Number.NaN, Number.NaN])))).toEqual([0, 0]);
  });

  it('rejects a channel count that does not divide the values, and unknown modes', () => {
    expect(() => normalizeValues(values, 3)).toThrow(
      'normalizeValues: channels must be a positive integer dividing the number of values. Received: channels=3 for 8 values.',
    );
    expect(() => normalizeValues(values, 2, { normalize: 'batch' as never })).toThrow(
      "Unknown normalize mode 'batch'. Expected one of: channel, layer.",
    );
  });
});
