import { tensor, useBackend } from '@neurite/core';
import { BatchNormalization, LayerNormalization } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(BatchNormalization, { config: {}, inputShape: [4, 3], trainingDiffers: true });
await describeLayer(BatchNormalization, {
  config: { momentum: 0.9 },
  inputShape: [2, 3, 3, 2],
  trainingDiffers: true,
  title: 'on feature maps',
});
await describeLayer(LayerNormalization, { config: {}, inputShape: [2, 5] });

describe('BatchNormalization', () => {
  it('updates moving statistics only in training, by hand', async () => {
    await useBackend('cpu');
    const bn = new BatchNormalization({ momentum: 0.5, epsilon: 1e-3 });
    const x = tensor([[1], [3]]);
    // Batch mean 2, variance 1: y = (x - 2) / sqrt(1 + 1e-3)
    const y = Array.from(await bn.apply(x, { training: true }).data());
    expect(y[0]).toBeCloseTo(-1 / Math.sqrt(1.001), 5);
    // moving = 0.5 * old + 0.5 * batch
    expect(Array.from(await bn.weight('movingMean').data())).toEqual([1]);
    expect(Array.from(await bn.weight('movingVariance').data())).toEqual([1]);
    bn.apply(x);
    expect(Array.from(await bn.weight('movingMean').data())).toEqual([1]);
    // Inference uses the moving statistics: (1 - 1) / sqrt(1.001) = 0
    expect(Array.from(await bn.apply(tensor([[1]])).data())).toEqual([0]);
    expect(bn.trainableWeights.map((w) => w.name)).toEqual(['gamma', 'beta']);
    expect(bn.nonTrainableWeights.map((w) => w.name)).toEqual(['movingMean', 'movingVariance']);
  });
  it('rejects a bad momentum', () => {
    expect(() => new BatchNormalization({ momentum: 2 })).toThrow(
      'BatchNormalization: momentum must be in [0, 1]. Received: momentum=2.',
    );
  });
});

describe('LayerNormalization', () => {
  it('normalises each sample', async () => {
    await useBackend('cpu');
    const y = Array.from(await new LayerNormalization({ epsilon: 0 + 1e-9 }).apply(tensor([[1, 3]])).data());
    expect(y[0]).toBeCloseTo(-1, 5);
    expect(y[1]).toBeCloseTo(1, 5);
  });
});
