import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { liveTensors, ones, randomUniform, setSeed, type Tensor, tensor, useBackend, zeros } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import {
  Activation,
  Add,
  BatchNormalization,
  Concatenate,
  Conv2D,
  Dense,
  Flatten,
  GlobalAveragePooling2D,
  input,
  MaxPooling2D,
  Subtract,
} from '@neurite/layers';
import {
  checkModelJson,
  fromArtifacts,
  loadModel,
  Model,
  ModelLayer as ModelLayerForTest,
  model,
  modelFromJSON,
  Sequential,
  toArtifacts,
} from '@neurite/model';
import { beforeEach, describe, expect, it } from 'vitest';

/** A small residual CNN: a stem, one identity block and one block with a 1x1 projection, as the guide's. */
function residual(name = 'residual', filters = 4): Model {
  setSeed(3);
  const image = input({ shape: [8, 8, 1], name: 'image' });
  const conv = (f: number, n: string, k = 3, strides = 1) =>
    new Conv2D({ filters: f, kernelSize: k, strides, padding: 'same', useBias: false, name: n });
  let x = new Activation({ activation: 'relu', name: 'stem_relu' }).apply(
    new BatchNormalization({ name: 'stem_bn' }).apply(conv(filters, 'stem').apply(image)),
  );
  // Block 1: identity shortcut.
  let h = new Activation({ activation: 'relu', name: 'b1_relu' }).apply(
    new BatchNormalization({ name: 'b1_bn' }).apply(conv(filters, 'b1_conv').apply(x)),
  );
  x = new Add({ name: 'b1_add' }).apply([x, h]);
  // Block 2: twice the filters at half the size; the shortcut is a strided 1x1 projection.
  h = new BatchNormalization({ name: 'b2_bn' }).apply(conv(2 * filters, 'b2_conv', 3, 2).apply(x));
  const shortcut = conv(2 * filters, 'b2_proj', 1, 2).apply(x);
  x = new Activation({ activation: 'relu', name: 'b2_relu' }).apply(new Add({ name: 'b2_add' }).apply([shortcut, h]));
  const pooled = new GlobalAveragePooling2D({ name: 'pool' }).apply(x);
  const out = new Dense({ units: 3, activation: 'softmax', name: 'out' }).apply(pooled);
  return model({ inputs: image, outputs: out, name });
}

const values = async (t: Tensor) => Array.from(await t.data());

describe('graph models', () => {
  beforeEach(async () => {
    await useBackend('cpu');
  });

  it('summarises a residual graph with what each node is connected to', () => {
    const net = residual();
    const s = net.summary({ print: false });
    expect(s.rows.map((r) => [r.name, r.className, r.outputShape, r.connectedTo])).toEqual([
      ['image', 'InputLayer', [null, 8, 8, 1], []],
      ['stem', 'Conv2D', [null, 8, 8, 4], ['image']],
      ['stem_bn', 'BatchNormalization', [null, 8, 8, 4], ['stem']],
      ['stem_relu', 'Activation', [null, 8, 8, 4], ['stem_bn']],
      ['b1_conv', 'Conv2D', [null, 8, 8, 4], ['stem_relu']],
      ['b1_bn', 'BatchNormalization', [null, 8, 8, 4], ['b1_conv']],
      ['b1_relu', 'Activation', [null, 8, 8, 4], ['b1_bn']],
      ['b1_add', 'Add', [null, 8, 8, 4], ['stem_relu', 'b1_relu']],
      ['b2_proj', 'Conv2D', [null, 4, 4, 8], ['b1_add']],
      ['b2_conv', 'Conv2D', [null, 4, 4, 8], ['b1_add']],
      ['b2_bn', 'BatchNormalization', [null, 4, 4, 8], ['b2_conv']],
      ['b2_add', 'Add', [null, 4, 4, 8], ['b2_proj', 'b2_bn']],
      ['b2_relu', 'Activation', [null, 4, 4, 8], ['b2_add']],
      ['pool', 'GlobalAveragePooling2D', [null, 8], ['b2_relu']],
      ['out', 'Dense', [null, 3], ['pool']],
    ]);
    // stem 36 + bn 16, b1 144 + 16, b2 conv 288 + bn 32, proj 32, dense 27
    expect(s.totalParams).toBe(36 + 16 + 144 + 16 + 288 + 32 + 32 + 27);
    expect(s.nonTrainableParams).toBe(8 + 8 + 16);
    const header = s.text.split('\n')[2];
    expect(header).toMatch(/^Layer \(type\) +Output Shape +Param # +Connected to$/);
    expect(s.text).toMatch(/b2_add \(Add\) +\[null, 4, 4, 8\] +0 +b2_proj, b2_bn/);
  });

  it('returns every node in an order where each follows its inputs; the last is the prediction', async () => {
    const net = residual();
    const x = randomUniform([2, 8, 8, 1], 0, 1, 'float32', 5);
    const acts = net.activations(x);
    expect(acts.map((a) => a.name)).toEqual(
      net
        .summary({ print: false })
        .rows.slice(1)
        .map((r) => r.name),
    );
    const seen = new Set(['image']);
    for (const a of acts) {
      for (const i of a.inputs) expect(seen.has(i), `${a.name} reads ${i} before it exists`).toBe(true);
      seen.add(a.name);
    }
    const add = acts.find((a) => a.name === 'b1_add') as (typeof acts)[number];
    const parts = acts.filter((a) => add.inputs.includes(a.name));
    const sum = parts[0].output.add(parts[1].output);
    expectClose(await values(add.output), await values(sum), 'cpu');
    expect(await values(acts[acts.length - 1].output)).toEqual(await values(net.predict(x)));
    for (const a of acts) a.output.dispose();
    sum.dispose();
  });

  it('shares one set of weights between two uses of a layer, also after saving', async () => {
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [4], name: 'b' });
    const shared = new Dense({ units: 3, name: 'embed' });
    const diff = new Subtract({ name: 'diff' }).apply([shared.apply(a), shared.apply(b)]);
    const net = model({ inputs: [a, b], outputs: diff, name: 'siamese' });
    expect(net.layers.map((l) => l.name)).toEqual(['embed', 'diff']);
    expect(net.weights.map((w) => w.path)).toEqual(['embed/kernel', 'embed/bias']);
    const s = net.summary({ print: false });
    expect(s.rows.map((r) => [r.name, r.params, r.connectedTo])).toEqual([
      ['a', 0, []],
      ['b', 0, []],
      ['embed', 15, ['a']],
      ['embed:1', 0, ['b']],
      ['diff', 0, ['embed', 'embed:1']],
    ]);
    expect(s.totalParams).toBe(15);
    const x = randomUniform([3, 4], -1, 1, 'float32', 2);
    // The same weights on both sides: equal inputs give zero; as an object keyed by name, or a list.
    expect(await values(net.predict({ a: x, b: x }))).toEqual(new Array(9).fill(0));
    const y = randomUniform([3, 4], -1, 1, 'float32', 4);
    const before = await values(net.predict([x, y]));
    const dir = join(mkdtempSync(join(tmpdir(), 'neurite-graph-')), 'siamese');
    await net.save(dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.layers.map((l: { inbound: unknown }) => l.inbound)).toEqual([
      [['a'], ['b']],
      [['embed', ['embed', 1]]],
    ]);
    expect(json.weights.entries.map((e: { path: string }) => e.path)).toEqual(['embed/kernel', 'embed/bias']);
    const loaded = await loadModel(dir);
    expect(loaded.layers.map((l) => l.name)).toEqual(['embed', 'diff']);
    expect(await values(loaded.predict([x, y]))).toEqual(before);
    // Training one use trains the other: the loaded graph still has one kernel.
    expect(loaded.weights.length).toBe(2);
    expect(await values(loaded.predict({ a: y, b: y }))).toEqual(new Array(9).fill(0));
  });

  it('takes several inputs and gives several outputs', async () => {
    const age = input({ shape: [1], name: 'age' });
    const history = input({ shape: [6], name: 'history' });
    const h = new Dense({ units: 4, activation: 'relu', name: 'h' }).apply(history);
    const joined = new Concatenate({ name: 'join' }).apply([age, h]);
    const spend = new Dense({ units: 1, name: 'spend' }).apply(joined);
    const churn = new Dense({ units: 1, activation: 'sigmoid', name: 'churn' }).apply(joined);
    const net = model({ inputs: [age, history], outputs: [spend, churn] });
    expect(net.outputShapes).toEqual([
      [null, 1],
      [null, 1],
    ]);
    const [s, c] = net.predictAll({ age: ones([5, 1]), history: zeros([5, 6]) }, { batchSize: 2 });
    expect([s.shape, c.shape]).toEqual([
      [5, 1],
      [5, 1],
    ]);
    expect(() => net.predict([ones([5, 1]), zeros([5, 6])])).toThrow(
      'the model has 2 outputs; this takes one. Use predictAll(), which returns one tensor per output.',
    );
    expect(() => net.predictAll([ones([5, 1])])).toThrow(
      "the model takes 2 inputs ('age', 'history'). Received a list of 1.",
    );
    expect(() => net.predictAll({ age: ones([5, 1]), hist: zeros([5, 6]) } as never)).toThrow(
      "the model's inputs are 'age', 'history'. Missing: 'history'. Not inputs: 'hist'.",
    );
    expect(() => net.predictAll([ones([5, 1]), zeros([4, 6])])).toThrow(
      "every input needs the same number of samples; 'age' has 5 and 'history' has 4.",
    );
    expect(() => net.predictAll([ones([5, 1]), zeros([5, 7])])).toThrow(
      "input 'history' expects samples of shape [6] (input [batch, 6]). Received a tensor of shape [5, 7].",
    );
    net.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    await expect(net.fit(ones([5, 1]), ones([5, 1]))).rejects.toThrow(
      'the model has 2 inputs; this takes one. Pass a list of tensors, one per input, or an object keyed by input name.',
    );
  });

  it('names the part at fault when a graph does not hold together', () => {
    const x = input({ shape: [4], name: 'x' });
    const unused = input({ shape: [2], name: 'unused' });
    const other = input({ shape: [4], name: 'other' });
    const y = new Dense({ units: 2, name: 'y' }).apply(x);
    expect(() => model({ inputs: [x, unused], outputs: y, name: 'm' })).toThrow(
      "model 'm': input 'unused' [null, 2] does not reach any output. Use it, or leave it out of inputs.",
    );
    const z = new Add({ name: 'z' }).apply([y, new Dense({ units: 2, name: 'w' }).apply(other)]);
    expect(() => model({ inputs: x, outputs: z, name: 'm' })).toThrow(
      "model 'm': the outputs depend on input 'other' [null, 4], which is not in inputs. Add it to model({ inputs: [...] }).",
    );
    const twin = new Dense({ units: 2, name: 'y' }).apply(y);
    expect(() => model({ inputs: x, outputs: twin, name: 'm' })).toThrow(
      "model 'm': two parts of the model are named 'y' (a Dense and a Dense).",
    );
    expect(() => model({ inputs: y, outputs: y, name: 'm' })).toThrow(
      "model 'm': inputs[0] is the output of Dense 'y'",
    );
    expect(() => model({ inputs: x, outputs: ones([1]) as never, name: 'm' })).toThrow(
      "model 'm': outputs must be symbolic tensors",
    );
    expect(() => new Dense({ units: 2 }).apply([x, x])).toThrow(
      'takes 1 input. Received 2. Merge several tensors first',
    );
    expect(() => new Add().apply([x, ones([1, 4])] as never)).toThrow(
      'was given symbolic tensors and real ones together',
    );
    const shared = new Dense({ units: 2, name: 'shared' });
    shared.apply(x);
    expect(() => shared.apply(unused)).toThrow(
      "Dense 'shared' is shared: it was first applied to [null, 4] (weights kernel [4, 2], bias [2]) and now to [null, 2] (weights kernel [2, 2], bias [2]).",
    );
    expect(() => new Sequential([new Add()])).toThrow('takes several inputs, and a Sequential model has one path');
  });

  it('trains a residual graph with a flat tensor count across epochs, and saves and reloads it exactly', async () => {
    const net = residual('trained');
    net.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const x = randomUniform([24, 8, 8, 1], 0, 1, 'float32', 9);
    const labels = tensor(
      Array.from({ length: 24 }, (_, i) => i % 3),
      [24],
    );
    const counts: number[] = [];
    const h = await net.fit(x, labels, {
      epochs: 4,
      batchSize: 8,
      seed: 1,
      callbacks: [{ onEpochEnd: () => void counts.push(liveTensors().tensors) }],
    });
    expect(new Set(counts).size).toBe(1);
    expect(h.history.loss[3]).toBeLessThan(h.history.loss[0]);
    const dir = join(mkdtempSync(join(tmpdir(), 'neurite-graph-')), 'res');
    await net.save(dir, { includeOptimizer: true });
    const loaded = await loadModel(dir);
    expect(loaded).toBeInstanceOf(Model);
    expect(loaded.summary({ print: false }).text).toBe(net.summary({ print: false }).text);
    expect(await values(loaded.predict(x))).toEqual(await values(net.predict(x)));
    expect(loaded.optimizer?.iterations).toBe(12);
    // Training on from the loaded copy matches training on from the original.
    await net.fit(x, labels, { epochs: 5, batchSize: 8, seed: 1, resume: true });
    await loaded.fit(x, labels, { epochs: 5, batchSize: 8, seed: 1, resume: true });
    expect(await loaded.getWeightValues()).toEqual(await net.getWeightValues());
  });

  it('trains a graph with data-parallel workers', async () => {
    const net = residual('parallel');
    net.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const x = randomUniform([16, 8, 8, 1], 0, 1, 'float32', 9);
    const labels = tensor(
      Array.from({ length: 16 }, (_, i) => i % 3),
      [16],
    );
    const h = await net.fit(x, labels, { epochs: 2, batchSize: 8, seed: 1, workers: 2 });
    expect(h.history.loss.every(Number.isFinite)).toBe(true);
  });
});

describe('graph files from a stranger', () => {
  beforeEach(async () => {
    await useBackend('cpu');
  });

  const artifacts = async () => {
    const a = input({ shape: [3], name: 'a' });
    const d1 = new Dense({ units: 3, name: 'd1' }).apply(a);
    const d2 = new Dense({ units: 3, name: 'd2' }).apply(d1);
    const sum = new Add({ name: 'sum' }).apply([d1, d2]);
    return toArtifacts(model({ inputs: a, outputs: sum, name: 'g' }), false);
  };
  // biome-ignore lint/suspicious/noExplicitAny: each case edits a different part of a parsed model.json.
  const refuse = async (edit: (j: Record<string, any>) => void, message: string) => {
    const { json, weights } = await artifacts();
    const j = JSON.parse(JSON.stringify(json));
    edit(j);
    expect(() => fromArtifacts(j, weights, undefined, 'g')).toThrow(message);
  };

  it('refuses cycles, unknown names, unused layers and mixed formats with the layer at fault', async () => {
    await refuse((j) => {
      j.layers[0].inbound = [['d2']];
    }, "Cannot load the model at g: its layers do not fit together: the graph has a cycle: 'd1' reads 'd2' reads 'd1'.");
    await refuse((j) => {
      j.layers[1].inbound = [['nowhere']];
    }, "layers[1] ('d2') reads 'nowhere', which is neither an input nor a layer of the graph.");
    // A name from the file never puts a raw newline or escape sequence into a message.
    await refuse((j) => {
      j.layers[1].inbound = [['no\nwhere\u001b[2J']];
    }, "layers[1] ('d2') reads 'no\\nwhere\\u001b[2J', which is neither an input nor a layer of the graph.");
    await refuse((j) => {
      j.layers[1].inbound = [[['d1', 1]]];
    }, "layers[1] ('d2') reads ['d1', 1], but layer 'd1' is used 1 time (uses 0 to 0).");
    await refuse((j) => {
      j.outputs = ['d2'];
    }, "layer 'sum' leads to no output.");
    await refuse((j) => {
      j.layers[1].config.units = 5;
    }, "layers[2] ('sum'): Add 'sum' merges inputs of one shape, but input 0 is [null, 3] and input 1 is [null, 5]");
    await refuse((j) => {
      delete j.layers[1].inbound;
    }, 'layers[1] (\'d2\') has no "inbound"');
    await refuse((j) => {
      j.formatVersion = 1;
    }, 'model.json has format version 1, which has no graphs');
    await refuse((j) => {
      j.outputs = [['d1', -1]];
    }, 'model.json field outputs[0]');
  });

  it('checks a graph file before allocating anything', async () => {
    const { json } = await artifacts();
    const before = liveTensors().tensors;
    const checked = checkModelJson(json, 'g');
    expect(checked.weightBytes).toBe(4 * (12 + 12));
    expect(liveTensors().tensors).toBe(before);
  });
});

describe('version-1 model files', () => {
  it('still load, with their optimizer state, and predict what they predicted when saved', async () => {
    await useBackend('cpu');
    const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
    const expected = JSON.parse(readFileSync(join(fixtures, 'v1-cnn-expected.json'), 'utf8'));
    const m = await loadModel(join(fixtures, 'v1-cnn'));
    expect(m).toBeInstanceOf(Sequential);
    expect(m.optimizer?.iterations).toBe(4);
    expect(m.metadata).toEqual({ made: 'b4d9cab, format version 1' });
    const y = m.predict(tensor(expected.input, expected.inputShape));
    expectClose(await values(y), expected.predictions, 'cpu');
    expect(m.summary({ print: false }).rows.map((r) => r.name)).toEqual([
      'conv',
      'bn',
      'relu',
      'pool',
      'flatten',
      'dropout',
      'out',
    ]);
  });
});

await describeBackends('a residual graph', (backend) => {
  it('computes the same outputs and weight gradients as cpu', async () => {
    const grads = async () => {
      const net = residual('same', 2);
      net.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
      const x = randomUniform([2, 8, 8, 1], 0, 1, 'float32', 9);
      const out = await values(net.predict(x));
      await net.fit(x, tensor([0, 2], [2]), { epochs: 1, batchSize: 2, shuffle: false });
      const w = (await net.getWeightValues()).flatMap((v) => Array.from(v));
      net.dispose();
      return { out, w };
    };
    const here = await grads();
    await useBackend('cpu');
    const there = await grads();
    await useBackend(backend);
    expectClose(here.out, there.out, backend, 10);
    expectClose(here.w, there.w, backend, 10);
  });
});
void MaxPooling2D;
void Flatten;

describe('a model used as a layer', () => {
  beforeEach(async () => {
    await useBackend('cpu');
  });

  const encoder = () => {
    const x = input({ shape: [4], name: 'enc_in' });
    const h = new Dense({ units: 3, activation: 'tanh', name: 'enc_hidden' }).apply(x);
    return model({ inputs: x, outputs: new Dense({ units: 2, name: 'enc_code' }).apply(h), name: 'encoder' });
  };

  it('runs inside another graph with its own weights, trains them, and saves and reloads them', async () => {
    const enc = encoder();
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [4], name: 'b' });
    // Used twice: a siamese pair through one encoder.
    const diff = new Subtract({ name: 'diff' }).apply([enc.apply(a), enc.apply(b)]);
    const outer = model({ inputs: [a, b], outputs: diff, name: 'pair' });
    expect(outer.layers.map((l) => l.className)).toEqual(['Model', 'Subtract']);
    expect(outer.weights.map((w) => w.path)).toEqual([
      'enc_hidden/kernel',
      'enc_hidden/bias',
      'enc_code/kernel',
      'enc_code/bias',
    ]);
    const s = outer.summary({ print: false });
    expect(s.rows.map((r) => [r.name, r.params])).toEqual([
      ['a', 0],
      ['b', 0],
      ['encoder', 23],
      ['encoder:1', 0],
      ['diff', 0],
    ]);
    const x = randomUniform([3, 4], -1, 1, 'float32', 1);
    const y = randomUniform([3, 4], -1, 1, 'float32', 2);
    // The outer model computes what the encoder computes, on each side.
    const want = enc.predict(x).sub(enc.predict(y));
    expectClose(await values(outer.predict([x, y])), await values(want), 'cpu');
    // Training the outer model trains the encoder's weights (they are the same variables).
    const before = await enc.getWeightValues();
    outer.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(outer.fit(x, zeros([3, 2]))).rejects.toThrow('the model has 2 inputs; this takes one.');
    const single = model({ inputs: a, outputs: enc.apply(a), name: 'wrapped' });
    single.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await single.fit(x, zeros([3, 2]), { epochs: 1, batchSize: 3 });
    expect(await enc.getWeightValues()).not.toEqual(before);
    // Saved and loaded: the nested model comes back from its config, weights in place.
    const dir = join(mkdtempSync(join(tmpdir(), 'neurite-nested-')), 'pair');
    await outer.save(dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.layers[0].className).toBe('neurite>Model');
    expect(json.layers[0].config.layers.map((l: { config: { name: string } }) => l.config.name)).toEqual([
      'enc_hidden',
      'enc_code',
    ]);
    expect(json.layers[0].inbound).toEqual([['a'], ['b']]);
    const loaded = await loadModel(dir);
    expect(await values(loaded.predict([x, y]))).toEqual(await values(outer.predict([x, y])));
    expect(loaded.weights.length).toBe(4);
  });

  it('refuses a name used inside and outside, and a model of several outputs', () => {
    const enc = encoder();
    const a = input({ shape: [4], name: 'a' });
    const clash = new Dense({ units: 1, name: 'enc_code' }).apply(enc.apply(a));
    expect(() => model({ inputs: a, outputs: clash, name: 'm' })).toThrow(
      "model 'm': two parts of the model are named 'enc_code' (a layer of the nested model 'encoder' and a Dense).",
    );
    const x = input({ shape: [2] });
    const two = model({
      inputs: x,
      outputs: [new Dense({ units: 1, name: 'p' }).apply(x), new Dense({ units: 1, name: 'q' }).apply(x)],
      name: 'two',
    });
    expect(() => two.apply(input({ shape: [2] }))).toThrow(
      "Model 'two' has 2 outputs; a model used as a layer has one",
    );
    expect(() => enc.apply(input({ shape: [5] }))).toThrow(
      "Model 'encoder' used as a layer takes input 'enc_in' of shape [null, 4]; it was given [null, 5].",
    );
  });
});

describe('graphs a hostile file or a careless program makes', () => {
  beforeEach(async () => {
    await useBackend('cpu');
  });

  it('assembles a node read by 10,000 others in linear time, and names a long cycle briefly', () => {
    const layers = [
      { className: 'Dense', config: { name: 'a', units: 2 }, inbound: [['x']] },
      ...Array.from({ length: 9_999 }, (_, i) => ({
        className: 'Add',
        config: { name: `s${i}` },
        inbound: [['a', i === 0 ? 'a' : `s${i - 1}`]],
      })),
    ];
    const t0 = performance.now();
    const net = modelFromJSON({ name: 'fan', inputs: [{ name: 'x', shape: [2] }], layers, outputs: ['s9998'] });
    expect(net.graphSize()).toBe(10_000);
    expect(performance.now() - t0).toBeLessThan(10_000);
    const cyc = Array.from({ length: 5000 }, (_, i) => ({
      className: 'Add',
      config: { name: `c${i}` },
      inbound: [['x', `c${(i + 1) % 5000}`]],
    }));
    let message = '';
    try {
      modelFromJSON({ name: 'cyc', inputs: [{ name: 'x', shape: [2] }], layers: cyc, outputs: ['c0'] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("the graph has a cycle: 'c0' reads 'c1' reads");
    expect(message).toContain('(4992 more)');
    expect(message.length).toBeLessThan(400);
  });

  it('refuses duplicate weight paths through nesting, saves that loadModel would refuse, and bad batch sizes', async () => {
    const x = input({ shape: [2], name: 'x' });
    const inner = model({ inputs: x, outputs: new Dense({ units: 2, name: 'd' }).apply(x), name: 'inner' });
    expect(
      () =>
        new Sequential([new ModelLayerForTest({ model: inner }), new Dense({ units: 2, name: 'd' })], {
          inputShape: [2],
        }),
    ).toThrow("a layer named 'd' is already in the model");
    const wide = input({ shape: [2], name: 'w' });
    const many = new Add({ name: 'many' }).apply(Array.from({ length: 70 }, () => wide));
    const big = model({ inputs: wide, outputs: many, name: 'big' });
    await expect(toArtifacts(big, false)).rejects.toThrow(
      'big.save: loadModel would refuse this model, so it is not saved',
    );
    expect(() => inner.predict(zeros([3, 2]), { batchSize: 0 })).toThrow(
      'inner.predict: batchSize must be a positive integer. Received: batchSize=0.',
    );
    expect(() => model(undefined as never)).toThrow('model({ inputs, outputs }) needs its inputs and outputs');
    expect(() => modelFromJSON(nestDeep(20))).toThrow('models nest more than 16 levels deep');
  });
});

function nestDeep(depth: number): Record<string, unknown> {
  let m: Record<string, unknown> = {
    name: 'm0',
    inputs: [{ name: 'i0', shape: [2] }],
    layers: [{ className: 'Dense', config: { name: 'd0', units: 2 }, inbound: [['i0']] }],
    outputs: ['d0'],
  };
  for (let k = 1; k <= depth; k++) {
    m = {
      name: `m${k}`,
      inputs: [{ name: `i${k}`, shape: [2] }],
      layers: [{ className: 'Model', config: m, inbound: [[`i${k}`]] }],
      outputs: [m.name],
    };
  }
  return m;
}
