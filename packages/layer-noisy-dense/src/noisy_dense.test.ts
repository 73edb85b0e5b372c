import { ones, setSeed, tensor, useBackend } from '@neurite/core';
import { NoisyDense, registerNoisyDense } from '@neurite/layer-noisy-dense';
import { layerFromConfig, serializeLayer } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

registerNoisyDense();

await describeLayer(NoisyDense, { config: { units: 3 }, inputShape: [2, 4], trainingDiffers: true });
await describeLayer(NoisyDense, {
  config: { units: 2, activation: 'tanh', sigma0: 0.1 },
  inputShape: [3, 5],
  trainingDiffers: true,
  title: 'tanh, small noise',
});

describe('NoisyDense', () => {
  it('is x mu_W + mu_b at inference, by hand', async () => {
    await useBackend('cpu');
    const layer = new NoisyDense({ units: 1 });
    layer.ensureBuilt([null, 2]);
    // kernelMu, kernelSigma, biasMu, biasSigma
    layer.setWeightValues([[2, 3], [9, 9], [0.5], [9]]);
    // [1, 2] . [2, 3] + 0.5 = 8.5; the sigmas are ignored at inference.
    expect(Array.from(await layer.apply(tensor([[1, 2]])).data())).toEqual([8.5]);
  });

  it('draws its noise from the global seed', async () => {
    await useBackend('cpu');
    const layer = new NoisyDense({ units: 4 });
    layer.ensureBuilt([null, 3]);
    setSeed(9);
    const a = await layer.apply(ones([1, 3]), { training: true }).data();
    setSeed(9);
    expect(await layer.apply(ones([1, 3]), { training: true }).data()).toEqual(a);
  });

  it('saves under its own package name and loads once registered', () => {
    const saved = serializeLayer(new NoisyDense({ units: 2, name: 'noisy' }));
    expect(saved.className).toBe('@neurite/layer-noisy-dense>NoisyDense');
    expect(layerFromConfig(saved)).toBeInstanceOf(NoisyDense);
  });

  it('rejects bad configs', () => {
    expect(() => new NoisyDense({ units: 0 })).toThrow(
      'NoisyDense: units must be a positive integer. Received: units=0.',
    );
    expect(() => new NoisyDense({ units: 1, sigma0: -1 })).toThrow(
      'NoisyDense: sigma0 must be a number >= 0. Received: sigma0=-1.',
    );
  });
});
