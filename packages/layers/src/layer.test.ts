import { liveTensors, useBackend } from '@neurite/core';
import { BatchNormalization, Conv2D, Dense, Flatten } from '@neurite/layers';
import { beforeAll, describe, expect, it } from 'vitest';

describe('Layer.planWeights', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('reports the weights build() would create, without allocating and without building', () => {
    const before = liveTensors();
    const conv = new Conv2D({ filters: 8, kernelSize: 3, name: 'c' });
    const bn = new BatchNormalization({ name: 'bn' });
    expect(conv.planWeights([null, 28, 28, 1])).toEqual([
      { name: 'kernel', path: 'c/kernel', shape: [3, 3, 1, 8], trainable: true },
      { name: 'bias', path: 'c/bias', shape: [8], trainable: true },
    ]);
    expect(bn.planWeights([null, 26, 26, 8]).map((w) => [w.path, w.trainable])).toEqual([
      ['bn/gamma', true],
      ['bn/beta', true],
      ['bn/movingMean', false],
      ['bn/movingVariance', false],
    ]);
    expect(conv.built).toBe(false);
    expect(conv.weights).toEqual([]);
    expect(liveTensors()).toEqual(before);
  });

  it('plans a weight far too large to allocate, as a shape only', () => {
    const before = liveTensors();
    const huge = new Dense({ units: 2_684_354, name: 'huge' });
    const [kernel] = huge.planWeights([null, 1600]);
    expect(kernel.shape).toEqual([1600, 2_684_354]);
    expect(liveTensors()).toEqual(before);
  });

  it('matches what build() then creates, and a built layer reports its own weights', () => {
    const dense = new Dense({ units: 3, name: 'd' });
    const planned = dense.planWeights([null, 4]);
    dense.ensureBuilt([null, 4]);
    expect(
      dense.weights.map((w) => ({ name: w.name, path: w.path, shape: [...w.variable.shape], trainable: w.trainable })),
    ).toEqual(planned);
    expect(dense.planWeights([null, 4])).toEqual(planned);
    dense.dispose();
  });

  it('refuses a weight shape whose size is not a safe integer, before anything is made', () => {
    const flat = new Flatten();
    const shape = flat.computeOutputShape([null, 2 ** 26, 2 ** 26, 4]);
    expect(() => new Dense({ units: 4, name: 'wide' }).planWeights(shape)).toThrow(
      "Dense 'wide': weight 'kernel' needs a shape of positive integers whose product is a safe integer. " +
        'Received: shape=[18014398509481984,4].',
    );
  });
});
