import { tensor, useBackend } from '@neurite/core';
import {
  binaryAccuracy,
  categoricalAccuracy,
  getMetric,
  meanSquaredError,
  precision,
  recall,
  sparseCategoricalAccuracy,
} from '@neurite/model';
import { describe, expect, it } from 'vitest';

const value = async (
  m: { counts: (t: never, p: never) => { data(): Promise<ArrayLike<number>> } },
  t: unknown,
  p: unknown,
) => {
  const [num, den] = Array.from(await m.counts(t as never, p as never).data());
  return num / den;
};

describe('metrics, by hand', () => {
  it('accuracy in its three forms', async () => {
    await useBackend('cpu');
    // p > 0.5 -> [1, 0, 1, 0] vs labels [1, 0, 0, 0]: 3 of 4
    expect(await value(binaryAccuracy(), tensor([[1], [0], [0], [0]]), tensor([[0.9], [0.2], [0.6], [0.4]]))).toBe(
      0.75,
    );
    // argmax rows: [1, 0] vs one-hot argmax [1, 1]: 1 of 2
    expect(
      await value(
        categoricalAccuracy,
        tensor([
          [0, 1, 0],
          [0, 1, 0],
        ]),
        tensor([
          [0.1, 0.8, 0.1],
          [0.5, 0.3, 0.2],
        ]),
      ),
    ).toBe(0.5);
    expect(
      await value(
        sparseCategoricalAccuracy,
        tensor([1, 0]),
        tensor([
          [0.1, 0.8, 0.1],
          [0.5, 0.3, 0.2],
        ]),
      ),
    ).toBe(1);
  });

  it('precision, recall and mean squared error', async () => {
    await useBackend('cpu');
    const t = tensor([[1], [1], [0], [0], [1]]);
    const p = tensor([[0.9], [0.3], [0.8], [0.1], [0.7]]);
    // predicted positive: rows 0, 2, 4; true positives among them: rows 0, 4 -> precision 2/3
    expect(await value(precision(), t, p)).toBeCloseTo(2 / 3, 6);
    // actual positive: rows 0, 1, 4; found: 0, 4 -> recall 2/3
    expect(await value(recall(), t, p)).toBeCloseTo(2 / 3, 6);
    // ((1-0)^2 + (2-4)^2) / 2 = 2.5
    expect(await value(meanSquaredError, tensor([1, 2]), tensor([0, 4]))).toBe(2.5);
  });

  it("resolves 'accuracy' from the loss, and rejects unknown names", () => {
    expect(getMetric('accuracy', 'sparse')).toBe(sparseCategoricalAccuracy);
    expect(getMetric('accuracy', 'oneHot')).toBe(categoricalAccuracy);
    expect(() => getMetric('f1', 'dense')).toThrow("Unknown metric 'f1'. Expected one of: accuracy");
  });
});
