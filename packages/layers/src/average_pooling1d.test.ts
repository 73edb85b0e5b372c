import { grad, ones, tensor3d } from '@neurite/core';
import { describeBackends } from '@neurite/core/testing';
import { AveragePooling1D } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { expect, it } from 'vitest';

await describeLayer(AveragePooling1D, { config: {}, inputShape: [2, 6, 2] });
await describeLayer(AveragePooling1D, {
  config: { poolSize: [3], strides: 1 },
  inputShape: [2, 5, 1],
  title: 'stride 1',
});
await describeLayer(AveragePooling1D, {
  config: { poolSize: 3, strides: 2, padding: 'same' },
  inputShape: [1, 6, 2],
  title: 'same',
});

// By hand on every backend: 'same' must average only the steps a window covers (as Keras), everywhere.
await describeBackends('AveragePooling1D by hand', () => {
  it('averages each window, per channel; edge windows with padding same average what they cover', async () => {
    const x = tensor3d([1, 10, 5, 50, 2, 20, 4, 40, 3, 30], [1, 5, 2]);
    expect(Array.from(await new AveragePooling1D().apply(x).data())).toEqual([3, 30, 3, 30]);
    const same = new AveragePooling1D({ poolSize: 2, padding: 'same' }).apply(x);
    expect(same.shape).toEqual([1, 3, 2]);
    expect(Array.from(await same.data())).toEqual([3, 30, 3, 30, 3, 30]);
    // Window 3, stride 2, same: pads one step on each side; windows [1, 5], [5, 2, 4], [4, 3].
    const wide = await new AveragePooling1D({ poolSize: 3, strides: 2, padding: 'same' }).apply(x).data();
    [3, 30, 11 / 3, 110 / 3, 3.5, 35].forEach((v, i) => {
      expect(wide[i]).toBeCloseTo(v, 4);
    });
  });
  it("differentiates padding same by each window's own count (tfjs's AvgPoolGrad uses the pool size)", async () => {
    const layer = new AveragePooling1D({ poolSize: 3, strides: 2, padding: 'same' });
    // Windows cover steps {0, 1}, {1, 2, 3}, {3, 4}: d sum / dx = [1/2, 1/2 + 1/3, 1/3, 1/3 + 1/2, 1/2].
    const g = await grad((t) => layer.apply(t).sum())(tensor3d([1, 2, 3, 4, 5], [1, 5, 1])).data();
    [0.5, 5 / 6, 1 / 3, 5 / 6, 0.5].forEach((v, i) => {
      expect(g[i]).toBeCloseTo(v, 5);
    });
  });
  it('rejects a bad pool size, and a window longer than the input', () => {
    expect(() => new AveragePooling1D({ poolSize: [2, 2] as never })).toThrow(
      'AveragePooling1D: poolSize must be a positive integer or a list of one, e.g. 2 or [2]. Received: poolSize=[2,2].',
    );
    expect(() => new AveragePooling1D({ poolSize: 3, name: 'a' }).apply(ones([2, 2, 1]))).toThrow(
      "AveragePooling1D 'a': a window of 3 steps with padding 'valid' does not fit an input of 2 steps.",
    );
  });
});
