import { normalizePixels, oneHot, standardize } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

describe('normalizePixels', () => {
  it('divides by 255, rounded to float32', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const out = normalizePixels(all);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual(Array.from(new Float32Array(Array.from(all, (v) => v / 255))));
    expect([out[0], out[255]]).toEqual([0, 1]);
  });
});

describe('oneHot', () => {
  it('puts a 1 at each label', () => {
    expect(Array.from(oneHot([1, 0, 2], 3))).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);
    expect(oneHot(new Uint8Array(0), 4).length).toBe(0);
  });

  it('rejects labels out of range and a bad class count', () => {
    expect(() => oneHot([0, 3], 3)).toThrow(
      'oneHot: label 1 is 3; expected an integer in [0, 2] for 3 classes. Pass the right number of classes, or fix the labels.',
    );
    expect(() => oneHot([0.5], 3)).toThrow('oneHot: label 0 is 0.5;');
    expect(() => oneHot([-1], 3)).toThrow('oneHot: label 0 is -1;');
    expect(() => oneHot([0], 0)).toThrow('oneHot: classes must be a positive integer. Received: 0.');
  });
});

describe('standardize', () => {
  it('uses one mean and std for all values, or one per feature', () => {
    expect(Array.from(standardize([1, 3, 5], 3, 2))).toEqual([-1, 0, 1]);
    expect(Array.from(standardize([1, 10, 3, 30], [2, 20], [1, 10]))).toEqual([-1, -1, 1, 1]);
  });

  it('rejects a zero std and mismatched statistics', () => {
    expect(() => standardize([1, 2], [1, 2], [1, 0])).toThrow(
      'standardize: std must be positive and finite. Received std[1] = 0.',
    );
    expect(() => standardize([1, 2], [1, 2], [1])).toThrow(
      'standardize: mean and std must have the same number of features (at least 1). Received 2 means and 1 stds.',
    );
    expect(() => standardize([1, 2, 3], [0, 0], [1, 1])).toThrow(
      'standardize: 3 values do not split into rows of 2 features (one per mean).',
    );
  });
});
