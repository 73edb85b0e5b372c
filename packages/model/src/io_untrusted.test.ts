// A model folder from a stranger: every class of hole an attack found (issue 13), tried as an attacker
// would try it. Each case must fail with one clear NeuriteError, open nothing outside the folder, and
// allocate nothing the files cannot back.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { liveTensors, NeuriteError, tensor2d, useBackend } from '@neurite/core';
import { Dense, Dropout } from '@neurite/layers';
import { checkModelJson, loadModel, sequential } from '@neurite/model';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'neurite-untrusted-'));
const canary = join(root, 'canary.bin');
writeFileSync(canary, new Uint8Array(52));
let dir: string;

// Every path the process tries to open through fs.promises.open (the loader's only way in), and the
// real path of every file it did open.
const require = createRequire(import.meta.url);
const fsp = require('node:fs/promises');
const realOpen = fsp.open;
const opened: string[] = [];
const reached: string[] = [];
beforeAll(() => {
  fsp.open = async (path: string, ...rest: unknown[]) => {
    opened.push(resolve(String(path)));
    const handle = await realOpen(path, ...rest);
    reached.push(realpathSafe(String(path)));
    return handle;
  };
  syncBuiltinESMExports();
});
afterAll(() => {
  fsp.open = realOpen;
  syncBuiltinESMExports();
});

async function saved(options: { optimizer?: boolean } = {}) {
  const model = sequential([new Dense({ units: 3, activation: 'relu', inputShape: [2] }), new Dense({ units: 1 })], {
    name: 'tiny',
  });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mse'] });
  await model.fit(
    tensor2d([
      [1, 2],
      [3, 4],
    ]),
    tensor2d([[1], [0]]),
    { epochs: 1 },
  );
  await model.save(dir, { includeOptimizer: options.optimizer ?? true });
  return model;
}

const readJson = () => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
const writeJson = (j: unknown) => writeFileSync(join(dir, 'model.json'), JSON.stringify(j));

/** Loads and returns the one-line message; fails the test when it loads or throws anything else. */
async function refusal(): Promise<string> {
  const before = opened.length;
  const reachedBefore = reached.length;
  try {
    await loadModel(dir);
  } catch (e) {
    expect(e, String((e as Error)?.stack)).toBeInstanceOf(NeuriteError);
    const message = (e as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith(`Cannot load the model at ${dir}: `)).toBe(true);
    for (const p of opened.slice(before)) expect(p.startsWith(`${dir}/`), `tried to open ${p}`).toBe(true);
    for (const p of reached.slice(reachedBefore)) {
      expect(p.startsWith(`${realpathSync(dir)}/`), `opened ${p}`).toBe(true);
    }
    return message.slice(`Cannot load the model at ${dir}: `.length);
  }
  throw new Error('the model loaded');
}

function realpathSafe(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

describe('loading a model folder from a stranger', () => {
  beforeEach(async () => {
    await useBackend('cpu');
    dir = mkdtempSync(join(root, 'm-'));
  });

  it('never follows a file name out of the folder', async () => {
    await saved();
    const good = readJson();
    const names = [
      '../canary.bin',
      canary,
      '/etc/passwd',
      '../../../../etc/passwd',
      'sub/weights.bin',
      '..',
      '.',
      '.hidden.bin',
      'weights.bin\u0000.txt',
      'C:\\weights.bin',
      '..%2fcanary.bin',
      '',
      'a'.repeat(300),
      '/dev/zero',
      '/dev/stdin',
    ];
    for (const name of names) {
      for (const field of ['weights', 'optimizer'] as const) {
        writeJson({ ...good, [field]: { ...good[field], file: name } });
        const message = await refusal();
        expect(message).toContain(`model.json field ${field}.file: expected a `);
        expect(message).not.toContain('checksum');
      }
    }
    expect(reached).not.toContain(realpathSync(canary));
  });

  it('refuses symbolic links, FIFOs, devices and folders inside the folder, without hanging', async () => {
    await saved();
    const good = readJson();
    symlinkSync(canary, join(dir, 'link.bin'));
    symlinkSync('/dev/zero', join(dir, 'zero.bin'));
    mkdirSync(join(dir, 'folder.bin'));
    spawnSync('mkfifo', [join(dir, 'fifo.bin')]);
    const cases: [string, string][] = [
      ['link.bin', "link.bin is a symbolic link; a model's files must be regular files in its folder."],
      ['zero.bin', "zero.bin is a symbolic link; a model's files must be regular files in its folder."],
      ['folder.bin', 'folder.bin is a directory, not a regular file.'],
      ['fifo.bin', 'fifo.bin is a FIFO, not a regular file.'],
    ];
    for (const [name, problem] of cases) {
      writeJson({ ...good, weights: { ...good.weights, file: name } });
      expect(await refusal()).toContain(problem);
    }
    // model.json itself is held to the same rule.
    writeFileSync(join(dir, 'other.json'), JSON.stringify(good));
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'model.json'));
    symlinkSync('/etc/passwd', join(dir, 'model.json'));
    expect(await refusal()).toBe(
      "model.json is a symbolic link; a model's files must be regular files in its folder. Point at a folder written by model.save(dir).",
    );
    expect(reached).not.toContain(realpathSync(canary));
  });

  it('never opens a device node, even to look at it', async () => {
    await saved();
    const good = readJson();
    const device = join(dir, 'device.bin');
    const made = spawnSync('mknod', [device, 'c', '1', '3']); // /dev/null's numbers
    if (made.status !== 0) return; // not root: no device node to plant (CI runs as root)
    writeJson({ ...good, weights: { ...good.weights, file: 'device.bin' } });
    const before = opened.length;
    expect(await refusal()).toContain('device.bin is a character device, not a regular file.');
    expect(opened.slice(before)).not.toContain(device);
  });

  it('refuses JSON nested deeper than 64 levels, before anything walks it; a save refuses to write it', async () => {
    const model = await saved();
    const good = readJson();
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = { a: deep };
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...good, metadata: { deep } }));
    expect(await refusal()).toContain('model.json nests objects and lists more than 64 levels deep');
    let warmup: unknown = 0.001;
    for (let i = 0; i < 1000; i++) warmup = { className: 'Warmup', config: { warmupSteps: 1, after: warmup } };
    writeJson({
      ...good,
      compile: { ...good.compile, optimizer: { className: 'Adam', config: { learningRate: warmup } } },
    });
    expect(await refusal()).toContain('nests objects and lists more than 64 levels deep');
    model.metadata = { deep };
    await expect(model.save(join(dir, 'other'))).rejects.toThrow('model.metadata nests more than 62 levels deep');
  });

  it('checks the architecture against the file before allocating: huge layers cost nothing', async () => {
    await saved({ optimizer: false });
    const good = readJson();
    const rss = process.memoryUsage().rss;
    const tensors = liveTensors().tensors;
    // A 6 KB model.json asking for a 1600 x 2,684,354 kernel (17 GB), with and without a matching index.
    const huge = structuredClone(good);
    huge.layers[0].config.units = 2_684_354;
    huge.inputShape = [1600];
    writeJson(huge);
    expect(await refusal()).toBe(
      "weights.entries[0] ('dense_1/kernel') has shape [2, 3]; the layer creates [1600, 2684354]. The file was edited or is corrupt: save the model again.".replace(
        'dense_1',
        good.layers[0].config.name,
      ),
    );
    const shapes = [[1600, 2_684_354], [2_684_354], [2_684_354, 1], [1]];
    let offset = 0;
    huge.weights.entries.forEach((e: { shape: number[]; byteOffset: number }, i: number) => {
      e.shape = shapes[i];
      e.byteOffset = offset;
      offset += 4 * shapes[i].reduce((a, b) => a * b, 1);
    });
    writeJson(huge);
    expect(await refusal()).toMatch(
      /^weights-[0-9a-f]{12}\.bin would hold \d+ bytes; the loader's limit \(maxBytes\) leaves 268435456 for it\. If you trust the file, raise the limit: loadModel\(dir, \{ maxBytes \}\)\.$/,
    );
    expect(liveTensors().tensors).toBe(tensors);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 2 ** 20);
  });

  it('counts maxBytes for the weights and the optimizer state together', async () => {
    await saved();
    const j = readJson();
    const total = j.weights.byteLength + j.optimizer.byteLength;
    await expect(loadModel(dir, { maxBytes: total })).resolves.toBeTruthy();
    // One byte less: the weights fit on their own, and the optimizer's file gets only what they leave.
    await expect(loadModel(dir, { maxBytes: total - 1 })).rejects.toThrow(
      `${j.optimizer.file} would hold ${j.optimizer.byteLength} bytes; the loader's limit (maxBytes) leaves ` +
        `${j.optimizer.byteLength - 1} for it.`,
    );
  });

  it('validates the weight index: offsets, shapes, order and lengths must be exactly the layout', async () => {
    await saved();
    const good = readJson();
    const name = good.layers[0].config.name;
    const edits: [(j: typeof good) => void, string][] = [
      [
        (j) => (j.weights.entries[1].byteOffset = -4),
        'model.json field weights.entries[1].byteOffset: expected an integer >= 0, received -4.',
      ],
      [
        (j) => (j.weights.entries[1].byteOffset = 28),
        `weights.entries[1] ('${name}/bias') starts at byte 28; the format puts it at 24, right after the weight before it.`,
      ],
      [
        (j) => (j.weights.entries[1].byteOffset = 1.5),
        'model.json field weights.entries[1].byteOffset: expected an integer >= 0, received 1.5.',
      ],
      [
        (j) => ([j.weights.entries[0], j.weights.entries[1]] = [j.weights.entries[1], j.weights.entries[0]]),
        `weights.entries[0] is "${name}/bias"; layer '${name}' creates '${name}/kernel' there.`,
      ],
      [
        (j) => (j.weights.entries[0].shape = [3, 2]),
        `weights.entries[0] ('${name}/kernel') has shape [3, 2]; the layer creates [2, 3].`,
      ],
      [(j) => j.weights.entries.pop(), 'model.json lists 3 weights but its layers create 4.'],
      [
        (j) => j.weights.entries.push({ ...j.weights.entries[0] }),
        'model.json lists 5 weights but its layers create 4.',
      ],
      [(j) => (j.weights.byteLength = 48), 'weights.byteLength is 48; its entries add up to 52 bytes.'],
      [
        (j) => (j.weights.entries[0].shape = [2, 0]),
        'model.json field weights.entries[0].shape[1]: expected an integer >= 1, received 0.',
      ],
      [
        (j) => (j.weights.entries[0].shape = Array(9).fill(1)),
        'model.json field weights.entries[0].shape: expected a list of at most 8 items',
      ],
      [(j) => (j.weights.dtype = 'float16'), 'model.json field weights.dtype: expected "float32", received "float16".'],
      [
        (j) => (j.optimizer.slots[0].slot = 'constructor'),
        "optimizer.slots[0] is a slot named 'constructor'; a Adam has: momentum, velocity.",
      ],
      [
        (j) => (j.optimizer.slots[0].slot = '__proto__'),
        'model.json field optimizer.slots[0].slot: expected a slot name such as momentum, received "__proto__".',
      ],
      [
        (j) => (j.optimizer.slots[0].weight = 'nope/kernel'),
        'optimizer.slots[0] belongs to "nope/kernel", which is not a weight of this model.',
      ],
      [
        (j) => (j.optimizer.slots[1] = { ...j.optimizer.slots[0], byteOffset: j.optimizer.slots[1].byteOffset }),
        'optimizer.slots[1] repeats slot',
      ],
      [(j) => (j.optimizer.slots[0].shape = [6]), 'has shape [6]; the weight has [2, 3].'],
      [(j) => (j.optimizer.className = 'SGD'), 'optimizer.className is "SGD" but the model compiles a Adam.'],
      [(j) => (j.compile = null), 'model.json has optimizer state but no compile settings.'],
    ];
    for (const [edit, message] of edits) {
      const j = structuredClone(good);
      edit(j);
      writeJson(j);
      expect(await refusal(), message).toContain(message);
    }
    writeJson(good);
    await expect(loadModel(dir)).resolves.toBeTruthy();
  });

  it('gives a field-by-field message for every malformed structure, never a TypeError', async () => {
    await saved();
    const good = readJson();
    const cases: [unknown, string][] = [
      [null, 'model.json holds null, not an object.'],
      [[], 'model.json holds [], not an object.'],
      ['model', 'model.json holds "model", not an object.'],
      [42, 'model.json holds 42, not an object.'],
      [{}, 'model.json is not a Neurite model (expected "format": "neurite-model", received nothing).'],
      [{ ...good, formatVersion: '1' }, 'model.json field formatVersion: expected an integer >= 1, received "1".'],
      [{ ...good, layers: { 0: good.layers[0] } }, 'model.json field layers: expected a list, received {"0":'],
      [{ ...good, layers: [] }, 'model.json field layers: expected a list of at least one layer, received [].'],
      [{ ...good, layers: [null] }, 'model.json field layers[0]: expected an object, received null.'],
      [{ ...good, layers: [{ className: 7 }] }, 'model.json field layers[0].className: expected a string, received 7.'],
      [
        { ...good, layers: [{ className: 'neurite>Dense', config: [] }] },
        'model.json field layers[0].config: expected an object, received [].',
      ],
      [{ ...good, inputShape: [1e300] }, 'model.json field inputShape[0]: expected an integer >= 1, received 1e+300.'],
      [{ ...good, inputShape: undefined }, 'model.json field inputShape is missing.'],
      [{ ...good, name: '' }, 'model.json field name: expected a non-empty string, received "".'],
      [{ ...good, weights: null }, 'model.json field weights: expected an object, received null.'],
      [
        { ...good, compile: { ...good.compile, metrics: [{ name: 'accuracy' }] } },
        'model.json field compile.metrics[0]: expected a string, received {"name":"accuracy"}.',
      ],
      [
        { ...good, compile: { ...good.compile, optimizer: 42 } },
        'model.json field compile.optimizer: expected an object, received 42.',
      ],
      [
        { ...good, compile: { ...good.compile, loss: { className: 'noSuchLoss' } } },
        "its compile settings cannot be rebuilt: getLoss: unknown loss 'noSuchLoss'.",
      ],
      [
        { ...good, compile: { ...good.compile, metrics: ['constructor'] } },
        "its compile settings cannot be rebuilt: Unknown metric 'constructor'.",
      ],
      [
        { ...good, training: { epochs: -1 } },
        'model.json field training.epochs: expected an integer >= 0, received -1.',
      ],
      [
        {
          ...good,
          layers: [{ className: 'neurite>Dense', config: { units: 3, activation: 'constructor' } }, good.layers[1]],
        },
        "layers[0] ('neurite>Dense') cannot be rebuilt: Unknown activation 'constructor'.",
      ],
      [
        { ...good, layers: [{ className: 'neurite>Dense', config: { units: 'many' } }, good.layers[1]] },
        "layers[0] ('neurite>Dense') cannot be rebuilt: Dense: units must be",
      ],
      [{ ...good, layers: [good.layers[0], { ...good.layers[0] }] }, 'its layers do not fit together:'],
      [
        { ...good, layers: [{ className: 'evil>A' }, { className: 'evil>B' }, { className: 'evil>A' }] },
        "model.json uses layers that are not registered: 'evil>A', 'evil>B'. Registered: neurite>Activation",
      ],
      [
        { ...good, layers: [{ className: 'constructor' }] },
        "model.json uses layers that are not registered: 'constructor'.",
      ],
      [
        { ...good, layers: [{ className: '__proto__' }] },
        "model.json uses layers that are not registered: '__proto__'.",
      ],
    ];
    for (const [json, message] of cases) {
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json) ?? 'undefined');
      expect(await refusal(), JSON.stringify(json)?.slice(0, 100)).toContain(message);
    }
    writeFileSync(join(dir, 'model.json'), '');
    expect(await refusal()).toContain('model.json is not valid UTF-8 JSON');
    writeFileSync(join(dir, 'model.json'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(await refusal()).toContain('model.json is not valid UTF-8 JSON');
    // Nothing from the file reached Object.prototype.
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify(good).replace('"config":{', '"config":{"__proto__":{"polluted":1},'),
    );
    await loadModel(dir);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('checks a model.json without reading its binaries, and says which file it is for', async () => {
    await saved();
    const j = readJson();
    const checked = checkModelJson(j, 'x');
    expect(checked.weightBytes).toBe(52);
    expect(checked.optimizerBytes).toBe(104);
    await expect(loadModel(join(dir, 'model.json'))).rejects.toThrow(
      `Cannot load the model at ${join(dir, 'model.json')}: this is the model.json file, not its folder. Pass the folder: ${dir}.`,
    );
  });

  it('keeps loading folders written before crash-safe saves (weights.bin, optimizer.bin)', async () => {
    const model = await saved();
    const j = readJson();
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, j.weights.file), join(dir, 'weights.bin'));
    renameSync(join(dir, j.optimizer.file), join(dir, 'optimizer.bin'));
    writeJson({
      ...j,
      weights: { ...j.weights, file: 'weights.bin' },
      optimizer: { ...j.optimizer, file: 'optimizer.bin' },
    });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const loaded = await loadModel(dir);
    const x = tensor2d([[0.5, -1]]);
    expect(await loaded.predict(x).data()).toEqual(await model.predict(x).data());
    // Saving over it replaces the old binaries and leaves every other file alone.
    await loaded.save(dir, { includeOptimizer: true });
    expect(readdirSync(dir).sort()).toEqual(
      ['model.json', 'notes.txt', readJson().optimizer.file, readJson().weights.file].sort(),
    );
  });

  it('never deletes a file a hostile model.json names, when saving over it', async () => {
    await saved();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const j = readJson();
    writeJson({ ...j, weights: { ...j.weights, file: 'notes.txt' } });
    const model = sequential([new Dense({ units: 1, inputShape: [1] }), new Dropout({ rate: 0.1 })]);
    await model.save(dir);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    await expect(loadModel(dir)).resolves.toBeTruthy();
  });
});
