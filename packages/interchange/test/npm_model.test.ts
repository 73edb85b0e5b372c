// A real Keras model from npm: @upscalerjs/default-model 1.0.0 (MIT), an ESRGAN-style 2x super-resolution
// CNN (Conv2D, Concatenate, Add, UpSampling2D; 24 layers), converted from Keras 2.10 by the TensorFlow.js
// converter, its model.json and weights in the tarball. Read by Neurite, it predicts as tfjs-layers does,
// and turns the package's own sample image into the package's own 2x result.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { loadLayersModel } from '@neurite/interchange/node';
import { PNG } from 'pngjs';
import { expect, it } from 'vitest';
import { tf, tfl } from './reference.js';

const pkg = fileURLToPath(new URL('../../../node_modules/@upscalerjs/default-model/', import.meta.url));
const models = join(pkg, 'models');

async function tfjsModel(side: number) {
  const json = JSON.parse(readFileSync(join(models, 'model.json'), 'utf8'));
  const shard = readFileSync(join(models, json.weightsManifest[0].paths[0]));
  const topology = structuredClone(json.modelTopology);
  topology.model_config.config.layers[0].config.batch_input_shape = [null, side, side, 3];
  const specs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: topology,
      weightSpecs: specs,
      weightData: shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.length),
    }),
  );
}

function rgb(file: string): { values: Float32Array; width: number; height: number } {
  const png = PNG.sync.read(readFileSync(file));
  const values = new Float32Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++)
    for (let c = 0; c < 3; c++) values[i * 3 + c] = png.data[i * 4 + c] as number;
  return { values, width: png.width, height: png.height };
}

await describeBackends('@upscalerjs/default-model from npm', (backend) => {
  it('reads as Keras 2, and predicts as tfjs-layers 4.22 does', async () => {
    const side = backend === 'webgpu' ? 8 : 24;
    const { model, plan } = await loadLayersModel(models, { inputShape: [side, side, 3] });
    expect(plan).toMatchObject({
      dialect: 'keras2',
      kerasVersion: '2.10.0',
      generatedBy: 'keras v2.10.0',
      unused: [],
      notes: [],
    });
    expect(model.layers).toHaveLength(23);
    const x = tensor(
      floats(side * side * 3, 4).map((v) => 127.5 * (v + 1)),
      [1, side, side, 3],
    );
    const ref = await tfjsModel(side);
    const [a, b] = [model.predict(x), ref.predict(x as never) as unknown as typeof x];
    expect(a.shape).toEqual([1, 2 * side, 2 * side, 3]);
    // Outputs are pixel values in 0-255: the tolerance scales with them.
    expectClose(await a.data(), await b.data(), backend, 255);
    for (const t of [a, b, x, model, ref]) t.dispose();
  });

  it.runIf(backend !== 'webgpu')("turns the package's sample into the package's 2x result", async () => {
    const input = rgb(join(pkg, 'assets', 'fixture.png'));
    const want = rgb(join(pkg, 'assets', 'samples', '2x', 'result.png'));
    expect([want.width, want.height]).toEqual([2 * input.width, 2 * input.height]);
    const { model } = await loadLayersModel(models, { inputShape: [input.height, input.width, 3] });
    const x = tensor(input.values, [1, input.height, input.width, 3]);
    const y = model.predict(x);
    const got = await y.data();
    let off = 0;
    let worst = 0;
    for (let i = 0; i < got.length; i++) {
      const d = Math.abs(Math.round(Math.min(255, Math.max(0, got[i] as number))) - (want.values[i] as number));
      if (d > 0) off++;
      worst = Math.max(worst, d);
    }
    // Rounding can land a value on the other side of .5: at most one in ten thousand, by one level.
    expect(worst).toBeLessThanOrEqual(1);
    expect(off / got.length).toBeLessThan(1e-4);
    for (const t of [x, y, model]) t.dispose();
  });
});
