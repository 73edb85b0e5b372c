// Layers models in folders: saved by Neurite, read back and by tfjs-layers; folders from strangers
// (paths out of the folder, links, devices, lying sizes) refused before anything is read; a save killed
// at every step leaves the previous model or the new one.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memory, setSeed, tensor, useBackend } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { loadLayersModel, saveLayersModel } from '@neurite/interchange/node';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '@neurite/layers';
import { type Model, sequential } from '@neurite/model';
import { describe, expect, it } from 'vitest';
import { loadTfl } from './reference.js';

const root = mkdtempSync(join(tmpdir(), 'neurite-interchange-'));
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
let folders = 0;
const fresh = () => join(root, `m${folders++}`);

function cnn(seed: number): Model {
  setSeed(seed);
  return sequential(
    [
      new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1], name: 'conv' }),
      new MaxPooling2D({ poolSize: 2, name: 'pool' }),
      new Flatten({ name: 'flat' }),
      new Dense({ units: 4, activation: 'softmax', name: 'probs' }),
    ],
    { name: `cnn${seed}` },
  );
}

async function predictions(model: Model | { predict(x: never): unknown }, seed = 3): Promise<Float32Array> {
  const x = tensor(floats(2 * 64, seed), [2, 8, 8, 1]);
  const y = model.predict(x as never) as { data(): Promise<Float32Array>; dispose(): void };
  const v = await y.data();
  y.dispose();
  x.dispose();
  return v;
}

await describeBackends('saveLayersModel and loadLayersModel', (backend) => {
  it('save, load: the same predictions, here and in tfjs-layers', async () => {
    const before = memory().numTensors;
    const net = cnn(1);
    const want = await predictions(net);
    const dir = fresh();
    const saved = await saveLayersModel(net, dir);
    const { model, plan } = await loadLayersModel(dir);
    expect(plan.dialect).toBe('tfjs-layers');
    expectClose(await predictions(model), want, backend);
    // The same folder as tfjs-layers' file loader would read it.
    const json = JSON.parse(readFileSync(saved.modelJson, 'utf8'));
    const tfjs = await loadTfl(json, readFileSync(join(dir, json.weightsManifest[0].paths[0])));
    expectClose(await predictions(tfjs), want, backend);
    for (const m of [net, model, tfjs]) m.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe('layers model folders', () => {
  it('a save over an earlier one leaves one weights file, and loads as the new model; model.json by path loads too', async () => {
    await useBackend('cpu');
    const dir = fresh();
    const [a, b] = [cnn(1), cnn(2)];
    await saveLayersModel(a, dir);
    await saveLayersModel(b, dir);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('model.json');
    expect(files[1]).toMatch(/^weights-[0-9a-f]{12}\.bin$/);
    const { model } = await loadLayersModel(join(dir, 'model.json'));
    expectClose(await predictions(model), await predictions(b), 'cpu');
    // A stranger's model.json naming other files: a save over it removes only tfjs-shaped weight files.
    writeFileSync(join(dir, 'notes.bin'), 'mine');
    const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    j.weightsManifest[0].paths = ['notes.bin'];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    await saveLayersModel(a, dir);
    expect(readFileSync(join(dir, 'notes.bin'), 'utf8')).toBe('mine');
    for (const m of [a, b, model]) m.dispose();
  });

  it('refuses what a layers model cannot be, and names the fix', async () => {
    await useBackend('cpu');
    const net = cnn(1);
    const good = fresh();
    await saveLayersModel(net, good);
    const json = JSON.parse(readFileSync(join(good, 'model.json'), 'utf8'));
    const shard = json.weightsManifest[0].paths[0] as string;
    const bytes = readFileSync(join(good, shard));
    // A folder with this model.json (changed by `edit`) and the given files.
    const folder = (
      edit: (j: typeof json) => void,
      files: Record<string, Uint8Array | string> = { [shard]: bytes },
    ) => {
      const dir = fresh();
      mkdirSync(dir);
      const j = structuredClone(json);
      edit(j);
      writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
      for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
      return dir;
    };
    const refused = (dir: string) =>
      loadLayersModel(dir).then(
        () => 'loaded',
        (e: Error) => e.message,
      );

    // Out of the folder: a shard named by a path is refused before it is opened.
    writeFileSync(join(root, 'outside.bin'), bytes);
    for (const p of [
      '../outside.bin',
      join(root, 'outside.bin'),
      'sub/../../outside.bin',
      '..\\outside.bin',
      '.',
      '..',
    ]) {
      const msg = await refused(folder((j) => (j.weightsManifest[0].paths = [p])));
      expect(msg, p).toMatch(/names the shard .*, a path\. A shard must be a plain file name/);
    }
    // A link to a file outside, or to a device, is not read.
    const linked = folder(() => {}, {});
    symlinkSync(join(root, 'outside.bin'), join(linked, shard));
    expect(await refused(linked)).toMatch(/is a symbolic link\. Copy the file itself/);
    const device = folder(() => {}, {});
    symlinkSync('/dev/zero', join(device, shard));
    expect(await refused(device)).toMatch(/is a symbolic link/);
    // A FIFO where model.json should be: refused, no hang.
    const fifo = fresh();
    mkdirSync(fifo);
    execFileSync('mkfifo', [join(fifo, 'model.json')]);
    expect(await refused(fifo)).toMatch(/model\.json is a FIFO, not a file/);
    // Sizes that lie: a truncated shard, a longer one, a missing one.
    expect(await refused(folder(() => {}, { [shard]: bytes.subarray(0, bytes.length - 4) }))).toMatch(
      /has \d+ bytes on disk; its manifest entries need \d+\. A shard is missing, truncated/,
    );
    expect(await refused(folder(() => {}, { [shard]: Buffer.concat([bytes, Buffer.alloc(8)]) }))).toMatch(
      /bytes on disk/,
    );
    expect(await refused(folder(() => {}, {}))).toMatch(/is missing\. Copy every file/);
    // A manifest that claims more than the limit: refused before any shard is opened (none exists here).
    const huge = folder((j) => (j.weightsManifest[0].weights[0].shape = [65536, 65536, 4]), {});
    expect(await refused(huge)).toMatch(/limit|too large|bytes/i);
    expect(await refused(huge)).not.toMatch(/is missing/);
    // A model.json too large to be one (sparse: no disk used), and one that is not JSON.
    const big = folder(() => {});
    truncateSync(join(big, 'model.json'), 65 * 2 ** 20);
    expect(await refused(big)).toMatch(/model\.json has \d+ bytes, above the limit/);
    const text = fresh();
    mkdirSync(text);
    writeFileSync(join(text, 'model.json'), '{"format": "layers-model", ');
    expect(await refused(text)).toMatch(/model\.json is not JSON/);
    expect(await refused(join(root, 'no-such-folder'))).toMatch(/model\.json is missing/);
    net.dispose();
  });
});

describe('a layers save killed at every step', () => {
  // The child makes two models from seeds, saves the first, then the second and SIGKILLs itself at a step.
  const make = `
import { setSeed, useBackend } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { sequential } from '@neurite/model';
import { saveLayersModel } from '@neurite/interchange/node';
await useBackend('cpu');
const make = (seed) => { setSeed(seed); return sequential([new Dense({ units: 3, inputShape: [2], name: 'd' })], { name: 'm' }); };`;
  const weightsOf = async (dir: string) => {
    const { model } = await loadLayersModel(dir);
    const w = (await model.getWeightValues()).map((v) => Array.from(v));
    model.dispose();
    return JSON.stringify(w);
  };
  const steps = ['weights-written', 'switched', 'cleaned'];
  for (const [i, step] of steps.entries()) {
    it(`after '${step}' the folder loads as ${i < 1 ? 'the previous save' : 'the new save'}`, async () => {
      await useBackend('cpu');
      const ref = [fresh(), fresh()];
      const dir = fresh();
      const body = `
const ref = ${JSON.stringify(ref)};
await saveLayersModel(make(1), ref[0]);
await saveLayersModel(make(2), ref[1]);
await saveLayersModel(make(1), ${JSON.stringify(dir)});
await saveLayersModel(make(2), ${JSON.stringify(dir)}, { onStep: (s) => { if (s === ${JSON.stringify(step)}) process.kill(process.pid, 'SIGKILL'); } });`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `${make}\n${body}`], {
        cwd: pkgDir,
        encoding: 'utf8',
      });
      expect(r.signal, r.stderr).toBe('SIGKILL');
      const [a, b] = [await weightsOf(ref[0] as string), await weightsOf(ref[1] as string)];
      expect(a).not.toBe(b);
      expect(await weightsOf(dir)).toBe(i < 1 ? a : b);
    });
  }
});
