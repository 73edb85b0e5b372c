// A plugin's layer through the layers format: unmapped, a file using it fails with one message that
// names it and the fix; mapped with registerKerasLayer (config keys and weight names renamed as Keras
// writes them), it is written and read back with the same predictions.
import { setSeed, tensor, useBackend } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { readLayersModel, registerKerasLayer, writeLayersModel } from '@neurite/interchange';
import { NoisyDense, registerNoisyDense } from '@neurite/layer-noisy-dense';
import { Dense } from '@neurite/layers';
import { sequential } from '@neurite/model';
import { expect, it } from 'vitest';

registerNoisyDense();

const make = () => {
  setSeed(3);
  return sequential(
    [
      new Dense({ units: 4, inputShape: [3], name: 'd' }),
      new NoisyDense({ units: 2, activation: 'tanh', sigma0: 0.2, name: 'noisy' }),
    ],
    { name: 'rl' },
  );
};

it('unmapped, a model with a plugin layer cannot be written, with one message naming it and the fix', async () => {
  await useBackend('cpu');
  const net = make();
  await expect(writeLayersModel(net)).rejects.toThrow(
    /NoisyDense 'noisy': no Keras form \(register one with registerKerasLayer\)/,
  );
  net.dispose();
  registerKerasLayer({
    keras: 'NoisyDense',
    neurite: '@neurite/layer-noisy-dense>NoisyDense',
    read: (s) => ({ units: s.get('units'), activation: s.get('activation', 'linear'), sigma0: s.get('sigma', 0.5) }),
    write: (c) => ({ units: c.units, activation: c.activation ?? 'linear', sigma: c.sigma0 ?? 0.5 }),
    weights: { kernelMu: 'mu_kernel', kernelSigma: 'sigma_kernel', biasMu: 'mu_bias', biasSigma: 'sigma_bias' },
  });
  expect(() => registerKerasLayer({ keras: 'X', neurite: 'X', read: () => ({}), weights: { a: 3 as never } })).toThrow(
    /weights must map/,
  );
});

await describeBackends('a plugin layer in the layers format', (backend) => {
  it('mapped: written with Keras names and config keys, read back with the same predictions', async () => {
    const net = make();
    const { modelJson, weightData } = await writeLayersModel(net);
    const names = modelJson.weightsManifest[0]?.weights.map((w) => w.name);
    expect(names).toEqual([
      'd/kernel',
      'd/bias',
      'noisy/mu_kernel',
      'noisy/sigma_kernel',
      'noisy/mu_bias',
      'noisy/sigma_bias',
    ]);
    const layers = (
      modelJson.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }
    ).config.layers;
    expect(layers[1]).toMatchObject({ class_name: 'NoisyDense', config: { units: 2, activation: 'tanh', sigma: 0.2 } });
    const { model } = readLayersModel(modelJson, [[weightData]]);
    const x = tensor(floats(6, 1), [2, 3]);
    const [a, b] = [net.predict(x), model.predict(x)];
    expectClose(await b.data(), await a.data(), backend);
    for (const t of [a, b, x, net, model]) t.dispose();
  });
});
