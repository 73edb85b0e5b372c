import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Tensor, tensor2d, useBackend } from '@neurite/core';
import { NoisyDense, registerNoisyDense } from '@neurite/layer-noisy-dense';
import { Dense, Layer } from '@neurite/layers';
import { loadModel, sequential } from '@neurite/model';
import { beforeEach, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
let dir: string;

const weightsFile = () => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weights.file as string;

async function saved() {
  const model = sequential([new Dense({ units: 3, activation: 'relu', inputShape: [2] }), new Dense({ units: 1 })]);
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  await model.fit(
    tensor2d([
      [1, 2],
      [3, 4],
    ]),
    tensor2d([[1], [0]]),
    { epochs: 1 },
  );
  await model.save(dir, { includeOptimizer: true });
  return model;
}

describe('save and load', () => {
  beforeEach(async () => {
    await useBackend('cpu');
    dir = join(mkdtempSync(join(tmpdir(), 'neurite-io-')), 'm');
  });

  it('round-trips architecture, weights, compile settings and optimizer state', async () => {
    const model = await saved();
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json).toMatchObject({ format: 'neurite-model', formatVersion: 2, training: { epochs: 1 } });
    expect(json.layers.map((l: { className: string }) => l.className)).toEqual(['neurite>Dense', 'neurite>Dense']);
    // 2*3 + 3 + 3*1 + 1 = 13 floats = 52 bytes
    expect(json.weights.byteLength).toBe(52);
    const loaded = await loadModel(dir);
    const x = tensor2d([[0.5, -1]]);
    expect(await loaded.predict(x).data()).toEqual(await model.predict(x).data());
    expect(loaded.optimizer?.iterations).toBe(1);
    expect(loaded.loss?.className).toBe('MeanSquaredError');
  });

  it('refuses a truncated weights file, naming the sizes', async () => {
    await saved();
    const file = weightsFile();
    writeFileSync(join(dir, file), readFileSync(join(dir, file)).subarray(0, 40));
    await expect(loadModel(dir)).rejects.toThrow(
      `Cannot load the model at ${dir}: ${file} has 40 bytes; model.json expects 52 (truncated or from another save).`,
    );
  });

  it('refuses a weights file from another save (checksum)', async () => {
    await saved();
    const file = weightsFile();
    const w = readFileSync(join(dir, file));
    w[0] ^= 0xff;
    writeFileSync(join(dir, file), w);
    await expect(loadModel(dir)).rejects.toThrow(`${file} does not match model.json (checksum`);
  });

  it('refuses a model.json from a newer format version', async () => {
    await saved();
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...json, formatVersion: 3 }));
    await expect(loadModel(dir)).rejects.toThrow(
      'model.json has format version 3, newer than this @neurite/model reads (2). Upgrade @neurite/model to load it.',
    );
  });

  it('explains a folder without a model', async () => {
    await expect(loadModel(join(dir, 'nope'))).rejects.toThrow('there is no model.json in that folder');
  });

  it('keeps the previous save when a save fails', async () => {
    await saved();
    const before = readFileSync(join(dir, 'model.json'), 'utf8');
    // A layer nobody registered cannot be serialised: the save fails before touching the folder.
    class Unregistered extends Layer {
      static override className = 'Unregistered';
      override call(x: Tensor) {
        return x.clone();
      }
    }
    class AlsoUnregistered extends Unregistered {
      static override className = 'AlsoUnregistered';
    }
    const other = sequential([new Dense({ units: 2, inputShape: [2] }), new Unregistered(), new AlsoUnregistered()]);
    // Every unregistered class in one message, not the first one only.
    await expect(other.save(dir)).rejects.toThrow(
      "2 layers' classes are not registered, so a saved model could not load them: Unregistered (layer " +
        "'unregistered_1'), AlsoUnregistered (layer 'also_unregistered_1'). Call registerLayers([Unregistered, AlsoUnregistered],",
    );
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe(before);
    await expect(loadModel(dir)).resolves.toBeTruthy();
    // A folder that cannot be created is a clear error too.
    const blocked = sequential([new Dense({ units: 1, inputShape: [1] })]);
    await expect(blocked.save(join(dir, 'model.json', 'x'))).rejects.toThrow('Saving the model to');
  });

  it('loads a model with a plugin layer once the plugin is registered, and explains otherwise', async () => {
    registerNoisyDense();
    const model = sequential([new NoisyDense({ units: 2, inputShape: [3] })]);
    await model.save(dir);
    const script = `import * as nc from '@neurite/core'; import { loadModel } from '@neurite/model'; await nc.useBackend('cpu'); await loadModel(${JSON.stringify(dir)});`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkgDir, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      "model.json uses layers that are not registered: '@neurite/layer-noisy-dense>NoisyDense'. Registered: neurite>Activation",
    );
    expect(r.stderr).toContain('registerLayers([TheLayer]');
    const loaded = await loadModel(dir);
    expect(loaded.layers[0]).toBeInstanceOf(NoisyDense);
  });
});
