import { grad, tensor4d, useBackend } from '@neurite/core';
import { compareArrays, describeBackends } from '@neurite/core/testing';
import { AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(MaxPooling2D, { config: {}, inputShape: [2, 4, 4, 2] });
await describeLayer(MaxPooling2D, {
  config: { poolSize: 3, strides: 2, padding: 'same' },
  inputShape: [1, 5, 5, 1],
  title: 'same',
});
await describeLayer(AveragePooling2D, { config: { poolSize: [2, 1] }, inputShape: [2, 4, 3, 2] });
await describeLayer(AveragePooling2D, {
  config: { poolSize: 3, strides: 2, padding: 'same' },
  inputShape: [1, 5, 5, 2],
  title: 'same, pool 3, stride 2',
});
await describeLayer(AveragePooling2D, {
  config: { poolSize: [2, 3], padding: 'same' },
  inputShape: [2, 4, 5, 1],
  title: 'same, pool [2, 3]',
});
await describeLayer(AveragePooling2D, {
  config: { poolSize: [3, 2], strides: [2, 1], padding: 'same' },
  inputShape: [1, 4, 3, 1],
  title: 'same, pool [3, 2], strides [2, 1]',
});
await describeLayer(GlobalAveragePooling2D, { config: {}, inputShape: [2, 3, 3, 4] });

describe('pooling by hand', () => {
  it('max and average of 2x2 windows', async () => {
    await useBackend('cpu');
    const x = tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
    expect(Array.from(await new MaxPooling2D().apply(x).data())).toEqual([6, 8, 14, 16]);
    expect(Array.from(await new AveragePooling2D().apply(x).data())).toEqual([3.5, 5.5, 11.5, 13.5]);
    expect(Array.from(await new GlobalAveragePooling2D().apply(x).data())).toEqual([8.5]);
  });
  it('rejects a bad pool size', () => {
    expect(() => new MaxPooling2D({ poolSize: 0 })).toThrow(
      'MaxPooling2D: poolSize must be a positive integer or a pair of them, e.g. 3 or [3, 3]. Received: poolSize=0.',
    );
  });
});

// As toBeCloseTo(v, 5) on each element: within 5e-6.
const expectNear = (actual: ArrayLike<number>, expected: number[]) =>
  compareArrays(actual, expected, 'AveragePooling2D by hand', 1, { rtol: 0, atol: 5e-6 });

// By hand on every backend: with padding 'same' an edge window averages only the cells it covers (as
// Keras), forward and backward. tfjs 4.22's AvgPoolGrad divides every window by the full pool size.
await describeBackends('AveragePooling2D same by hand', () => {
  it('2x2 windows, stride 2, on 3x3: edge windows average 2 cells, the corner 1', async () => {
    // Channel 0 is 1..9 row by row, channel 1 ten times it. Padding: none before, one row and one column
    // after, so the windows are rows {0, 1} | {2} by columns {0, 1} | {2}: 4, 2, 2 and 1 cells.
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const x = tensor4d(
      v.flatMap((a) => [a, 10 * a]),
      [1, 3, 3, 2],
    );
    const layer = new AveragePooling2D({ poolSize: 2, padding: 'same' });
    const y = layer.apply(x);
    expect(y.shape).toEqual([1, 2, 2, 2]);
    // (1+2+4+5)/4, (3+6)/2, (7+8)/2, 9.
    expectNear(await y.data(), [3, 30, 4.5, 45, 7.5, 75, 9, 90]);
    // d sum(y * w) / dx, w = 1, 2, 3, 4 over the windows (both channels): w / the window's cell count.
    const w = tensor4d([1, 1, 2, 2, 3, 3, 4, 4], [1, 2, 2, 2]);
    const g = await grad((t) => layer.apply(t).mul(w).sum())(x).data();
    const perCell = [1 / 4, 1 / 4, 1, 1 / 4, 1 / 4, 1, 3 / 2, 3 / 2, 4];
    expectNear(
      g,
      perCell.flatMap((a) => [a, a]),
    );
  });
  it('3x2 windows, stride 2, on 5x3: overlapping rows, a one-column edge window', async () => {
    // Rows (5, pool 3, stride 2): one row padded on each side, windows {0, 1}, {1, 2, 3}, {3, 4}.
    // Columns (3, pool 2, stride 2): one column padded after, windows {0, 1}, {2}.
    // x[r][c] = 3r + c + 1, so a window's mean is 3 * mean(rows) + mean(columns) + 1.
    const x = tensor4d(
      Array.from({ length: 15 }, (_, i) => i + 1),
      [1, 5, 3, 1],
    );
    const layer = new AveragePooling2D({ poolSize: [3, 2], strides: 2, padding: 'same' });
    const y = layer.apply(x);
    expect(y.shape).toEqual([1, 3, 2, 1]);
    // Row means 0.5, 2, 3.5; column means 0.5, 2.
    expectNear(await y.data(), [3, 4.5, 7.5, 9, 12, 13.5]);
    // d sum(y) / dx[r][c] = rowShare[r] * columnShare[c], each share the sum of 1 / count over the windows
    // covering it: rows [1/2, 1/2 + 1/3, 1/3, 1/3 + 1/2, 1/2], columns [1/2, 1/2, 1].
    const g = await grad((t) => layer.apply(t).sum())(x).data();
    const rows = [1 / 2, 5 / 6, 1 / 3, 5 / 6, 1 / 2];
    const columns = [1 / 2, 1 / 2, 1];
    expectNear(
      g,
      rows.flatMap((r) => columns.map((c) => r * c)),
    );
  });
  it("keeps padding 'valid' as it was: every window whole", async () => {
    const x = tensor4d(
      Array.from({ length: 15 }, (_, i) => i + 1),
      [1, 5, 3, 1],
    );
    const layer = new AveragePooling2D({ poolSize: [3, 2], strides: 2 });
    expectNear(await layer.apply(x).data(), [4.5, 10.5]);
    // Windows rows {0, 1, 2} and {2, 3, 4}, columns {0, 1}: each counts 6 cells.
    const g = await grad((t) => layer.apply(t).sum())(x).data();
    const rows = [1, 1, 2, 1, 1];
    expectNear(
      g,
      rows.flatMap((r) => [r / 6, r / 6, 0]),
    );
  });
});
