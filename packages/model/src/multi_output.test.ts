// Training models with several inputs and outputs: losses per output with weights, metrics per output,
// inputs and targets as lists or objects, datasets, workers, checkpoints, and the errors on the way.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveTensors, setSeed, tensor, tensor1d, useBackend } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { Concatenate, Conv2D, Dense, Flatten, input, MaxPooling2D } from '@neurite/layers';
import { type Batch, loadModel, type Model, model, modelCheckpoint } from '@neurite/model';
import { adam } from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';
import { mnistSlice } from '../test/mnist.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'neurite-multi-'));

/**
 * Two inputs (the image, and its mean brightness as a side feature), two outputs: the digit (10
 * classes, sparse labels) and whether it is 5 or more (one sigmoid unit).
 */
function twoHeads(seed: number): Model {
  setSeed(seed);
  const image = input({ shape: [28, 28, 1], name: 'image' });
  const brightness = input({ shape: [1], name: 'brightness' });
  const conv = new Conv2D({ filters: 4, kernelSize: 5, strides: 2, activation: 'relu', name: 'conv' }).apply(image);
  const flat = new Flatten({ name: 'flat' }).apply(new MaxPooling2D({ name: 'pool' }).apply(conv));
  const joined = new Concatenate({ name: 'join' }).apply([flat, brightness]);
  const digit = new Dense({ units: 10, activation: 'softmax', name: 'digit' }).apply(joined);
  const big = new Dense({ units: 1, activation: 'sigmoid', name: 'big' }).apply(joined);
  return model({ inputs: [image, brightness], outputs: [digit, big], name: 'two_heads' });
}

function data(n: number, split: 'train' | 't10k' = 'train') {
  const { x, labels } = mnistSlice(n, split);
  const brightness = x.mean([1, 2, 3]).reshape([n, 1]);
  const digit = tensor1d(Float32Array.from(labels), 'float32');
  const big = tensor(
    Float32Array.from(labels, (l) => (l >= 5 ? 1 : 0)),
    [n, 1],
  );
  return { image: x, brightness, digit, big };
}

function compile(m: Model, learningRate = 0.01) {
  m.compile({
    optimizer: adam({ learningRate }),
    loss: { digit: 'sparseCategoricalCrossentropy', big: 'binaryCrossentropy' },
    lossWeights: { big: 0.5 },
    metrics: { digit: ['accuracy'], big: ['accuracy', 'precision'] },
  });
}

await describeBackends('a model with two inputs and two outputs', (backend) => {
  const n = backend === 'webgpu' ? 96 : 600;
  it('trains from objects keyed by name: a loss and metrics per output, a weighted total, flat tensor count', async () => {
    const d = data(n);
    const m = twoHeads(1);
    compile(m);
    const counts: ReturnType<typeof liveTensors>[] = [];
    const h = await m.fit(
      { image: d.image, brightness: d.brightness },
      { digit: d.digit, big: d.big },
      {
        epochs: 3,
        batchSize: 32,
        seed: 1,
        validationSplit: 0.25,
        callbacks: [{ onEpochEnd: () => void counts.push(liveTensors()) }],
      },
    );
    expect(Object.keys(h.history).sort()).toEqual(
      [
        'loss',
        'digitLoss',
        'bigLoss',
        'digitAccuracy',
        'bigAccuracy',
        'bigPrecision',
        'valLoss',
        'valDigitLoss',
        'valBigLoss',
        'valDigitAccuracy',
        'valBigAccuracy',
        'valBigPrecision',
      ].sort(),
    );
    // Memory: the live tensor count does not grow from epoch to epoch.
    expect(counts[2]).toEqual(counts[1]);
    // Both heads learn.
    expect(h.history.digitLoss[2]).toBeLessThan(h.history.digitLoss[0]);
    expect(h.history.bigLoss[2]).toBeLessThan(h.history.bigLoss[0]);
    if (backend !== 'webgpu') expect(h.history.valDigitAccuracy[2]).toBeGreaterThan(0.5);
    // The total is each output's loss times its weight, summed (evaluate: one pass, same weights).
    const e = await m.evaluate([d.image, d.brightness], [d.digit, d.big]);
    expectClose([e.loss], [e.digitLoss + 0.5 * e.bigLoss], backend);
    // predictAll agrees with what evaluate scored: the digit accuracy from its predictions.
    const [p] = m.predictAll([d.image, d.brightness]);
    const guess = await p.argMax(-1).data();
    const labels = await d.digit.data();
    const right = Array.from(guess).filter((g, i) => g === labels[i]).length;
    expectClose([e.digitAccuracy], [right / n], backend);
    m.dispose();
  });

  it('takes lists in graph order as it takes objects: the same seeded run gives the same history', async () => {
    const d = data(96);
    const run = async (asLists: boolean) => {
      const m = twoHeads(2);
      if (asLists) {
        m.compile({
          optimizer: adam({ learningRate: 0.01 }),
          loss: ['sparseCategoricalCrossentropy', 'binaryCrossentropy'],
          lossWeights: [1, 0.5],
          metrics: [['accuracy'], ['accuracy', 'precision']],
        });
      } else compile(m);
      const x = asLists ? [d.image, d.brightness] : { brightness: d.brightness, image: d.image };
      const y = asLists ? [d.digit, d.big] : { big: d.big, digit: d.digit };
      const h = await m.fit(x, y, { epochs: 1, batchSize: 32, seed: 4 });
      const w = await m.getWeightValues();
      m.dispose();
      return { h: h.history, w };
    };
    const a = await run(true);
    const b = await run(false);
    expect(b.h).toEqual(a.h);
    expect(b.w).toEqual(a.w);
  });

  it('trains on a batch source whose batches are objects keyed by name', async () => {
    const d = data(64);
    const m = twoHeads(3);
    compile(m);
    const counts: ReturnType<typeof liveTensors>[] = [];
    const source = {
      count: 2,
      *[Symbol.iterator](): Generator<Batch> {
        for (let s = 0; s < 64; s += 32) {
          yield {
            xs: { image: d.image.slice([s], [32]), brightness: d.brightness.slice([s], [32]) },
            ys: [d.digit.slice([s], [32]), d.big.slice([s], [32])],
          };
        }
      },
    };
    const h = await m.fit(source, {
      epochs: 3,
      validationData: [[d.image, d.brightness], { digit: d.digit, big: d.big }],
      callbacks: [{ onEpochEnd: () => void counts.push(liveTensors()) }],
    });
    expect(h.history.digitLoss).toHaveLength(3);
    expect(h.history.valBigAccuracy).toHaveLength(3);
    // The source's batches were freed by the loop: nothing accumulates from epoch to epoch.
    expect(counts[2]).toEqual(counts[1]);
    m.dispose();
  });
});

describe('multi-output training: saves, checkpoints, workers', () => {
  it('saves every output loss, weight and metric, and a resumed run repeats an uninterrupted one bit for bit', async () => {
    await useBackend('cpu');
    const d = data(200);
    const x = [d.image, d.brightness];
    const y = { digit: d.digit, big: d.big };
    const straight = twoHeads(5);
    compile(straight);
    const full = await straight.fit(x, y, { epochs: 2, batchSize: 40, seed: 3 });
    const first = twoHeads(5);
    compile(first);
    const controller = new AbortController();
    const part = await first.fit(x, y, {
      epochs: 2,
      batchSize: 40,
      seed: 3,
      signal: controller.signal,
      callbacks: [{ onBatchEnd: (b) => void (first.epochsTrained === 1 && b === 1 && controller.abort()) }],
    });
    expect(part.interrupted).toEqual({ epoch: 1, batch: 2 });
    // The running sums: each output's loss, then each output's metrics.
    expect(first.trainingPosition?.counts).toHaveLength(2 + 3);
    const dir = join(tmp(), 'mid-epoch');
    await first.save(dir, { includeOptimizer: true });
    const resumed = await loadModel(dir);
    expect(resumed.objective?.map((o) => [o.output, o.loss.className, o.weight, o.metricSpecs])).toEqual([
      ['digit', 'SparseCategoricalCrossentropy', 1, ['accuracy']],
      ['big', 'BinaryCrossentropy', 0.5, ['accuracy', 'precision']],
    ]);
    const rest = await resumed.fit(x, y, { epochs: 2, batchSize: 40, seed: 3, resume: true });
    expect(await resumed.getWeightValues()).toEqual(await straight.getWeightValues());
    for (const key of Object.keys(full.history))
      expect([part.history[key][0], rest.history[key][0]]).toEqual(full.history[key]);
  });

  it('checkpoints on an output’s validation metric', async () => {
    await useBackend('cpu');
    const d = data(120);
    const m = twoHeads(6);
    compile(m);
    const dir = join(tmp(), 'best');
    await m.fit([d.image, d.brightness], [d.digit, d.big], {
      epochs: 2,
      batchSize: 40,
      validationSplit: 0.25,
      callbacks: [modelCheckpoint({ dir, monitor: 'valDigitAccuracy', saveBestOnly: true })],
    });
    const best = await loadModel(dir);
    expect(best.outputNames).toEqual(['digit', 'big']);
    expect(best.epochsTrained).toBeGreaterThan(0);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`trains with 2 workers as with 1 on ${backend} (one step, uneven shards)`, async () => {
      await useBackend(backend);
      const d = data(63);
      const run = async (workers: number) => {
        const m = twoHeads(7);
        compile(m, 0.5);
        const before = await m.getWeightValues();
        const h = await m.fit([d.image, d.brightness], [d.digit, d.big], { batchSize: 63, shuffle: false, workers });
        const after = await m.getWeightValues();
        m.dispose();
        return { h: h.history, d: after.flatMap((w, i) => Array.from(w, (v, j) => v - before[i][j])) };
      };
      const one = await run(1);
      const two = await run(2);
      expectClose(two.d, one.d, backend);
      for (const k of Object.keys(one.h)) expectClose(two.h[k], one.h[k], backend);
    });
  }
});

describe('multi-output errors', () => {
  it('says which output, which key and what to pass', async () => {
    await useBackend('cpu');
    const d = data(8);
    const m = twoHeads(8);
    const compileWith = (o: object) => () => m.compile({ optimizer: 'sgd', ...o } as never);
    expect(compileWith({ loss: ['mse'] })).toThrow(
      "two_heads.compile: loss lists 1 value for a model with 2 outputs ('digit', 'big'). Give one per output, in order, or an object keyed by output name.",
    );
    expect(compileWith({ loss: { digit: 'mse' } })).toThrow(
      "two_heads.compile: loss is keyed by output name; the model's outputs are 'digit', 'big'. Missing: 'big'.",
    );
    expect(compileWith({ loss: 'mse', lossWeights: { digits: 2 } })).toThrow("Not outputs: 'digits'.");
    expect(compileWith({ loss: 'mse', lossWeights: [1, -1] })).toThrow(
      "two_heads.compile: lossWeights must be finite numbers >= 0. Received -1 for output 'big'.",
    );
    expect(compileWith({ loss: 'mse', metrics: { big: 'accuracy' } })).toThrow(
      "two_heads.compile: metrics for output 'big' must be a list, e.g. ['accuracy']. Received: accuracy.",
    );
    compile(m);
    const x = [d.image, d.brightness];
    await expect(m.fit(x, d.digit)).rejects.toThrow(
      "two_heads.fit: the model has 2 outputs ('digit', 'big'); pass its targets as a list, one per output in that order, or an object keyed by output name.",
    );
    await expect(m.fit(x, { digit: d.digit, small: d.big } as never)).rejects.toThrow(
      "two_heads.fit: the targets are keyed by output name; the model's outputs are 'digit', 'big'. Missing: 'big'. Not outputs: 'small'.",
    );
    await expect(m.fit(x, [d.big, d.digit])).rejects.toThrow(
      "two_heads.fit: BinaryCrossentropy for output 'big' expects targets shaped like the output [batch, 1]. Received y of shape [8]. Reshape y to the output shape.",
    );
    const bad = tensor1d([0, 1, 2, 3, 4, 5, 6, 10]);
    await expect(m.fit(x, [bad, d.big])).rejects.toThrow(
      "two_heads.fit: sparse labels of output 'digit' must be integers in [0, 10) for an output of 10 classes. Received y[7] = 10.",
    );
    await expect(m.evaluate([d.image, d.brightness.slice([0], [4])], [d.digit, d.big])).rejects.toThrow(
      "every input needs the same number of samples; 'image' has 8 and 'brightness' has 4.",
    );
    await expect(m.fit(x, [d.digit, d.big.slice([0], [5])])).rejects.toThrow(
      "two_heads.fit: x and y must have the same number of samples. Received the first input [8, 28, 28, 1] (8 samples) and targets of 'big' [5, 1] (5 samples).",
    );
    m.dispose();
  });
});

// What a hostile review found: each case failed (silently, with a hang, a leak or a raw TypeError) before.
describe('multi-output: hostile inputs', () => {
  const small = () => {
    setSeed(3);
    const a = input({ shape: [3], name: 'a' });
    const p = new Dense({ units: 3, activation: 'softmax', name: 'kind' }).apply(a);
    const q = new Dense({ units: 1, name: 'size' }).apply(a);
    const m = model({ inputs: a, outputs: [p, q], name: 'small' });
    m.compile({ optimizer: 'sgd', loss: ['sparseCategoricalCrossentropy', 'mse'], metrics: { kind: ['accuracy'] } });
    return m;
  };
  const batch = (n: number, labels?: number[]): Batch => ({
    xs: tensor(new Float32Array(n * 3).fill(0.5), [n, 3]),
    ys: [tensor1d(labels ?? Array.from({ length: n }, (_, i) => i % 3)), tensor(new Float32Array(n).fill(1), [n, 1])],
  });
  const weightsOf = async (m: Model) => (await m.getWeightValues()).flatMap((w) => Array.from(w));

  it('a custom loss named like a built-in is never taken for it: workers refuse it, a save cannot pass it off', async () => {
    await useBackend('cpu');
    const m = small();
    function mse(y: Parameters<typeof tensor>[0] & object, p: never) {
      return (p as unknown as ReturnType<typeof tensor>)
        .sub(y as never)
        .abs()
        .mean()
        .mul(100);
    }
    m.compile({ optimizer: 'sgd', loss: ['sparseCategoricalCrossentropy', mse as never] });
    const b = batch(4);
    await expect(m.fit(b.xs, b.ys, { workers: 2 })).rejects.toThrow(
      "small.fit with workers: 2: the loss 'mse' is a custom function, which workers cannot rebuild.",
    );
    const dir = tmp();
    await m.save(dir);
    await expect(loadModel(dir)).rejects.toThrow("'custom:mse' names a custom loss function ('mse')");
    const loaded = await loadModel(dir, { compile: false });
    expect(loaded.optimizer).toBeUndefined();
    loaded.dispose();
    m.dispose();
  });

  it("checks a source's batches as it checks arrays, skips empty ones, and leaks nothing when a loss throws", async () => {
    await useBackend('cpu');
    const m = small();
    const before = liveTensors();
    await expect(m.fit([batch(4), batch(4, [0, 7, 1, 2])])).rejects.toThrow(
      "small.fit: batch 2 of the source: sparse labels of output 'kind' must be integers in [0, 3) for an output of 3 classes. Received y[1] = 7.",
    );
    const [four, three] = [batch(4), batch(3)];
    for (const t of four.ys as { dispose(): void }[]) t.dispose();
    (three.xs as { dispose(): void }).dispose();
    const uneven: Batch = { xs: four.xs, ys: three.ys };
    await expect(m.fit([uneven])).rejects.toThrow(
      'small.fit: batch 1 of the source has 4 samples in its first input and 3 in another part ([3]); every input and target of a batch needs the same number.',
    );
    await expect(m.fit([{ xs: tensor(new Float32Array(6), [2, 3]) } as never])).rejects.toThrow(
      'small.fit: batch 1 of the source is not a batch: expected { xs, ys }, received an object with xs: tensor.',
    );
    const list = [batch(4)];
    await m.fit(list);
    await expect(m.fit(list)).rejects.toThrow('small.fit: batch 1 of the source holds a disposed tensor.');
    function* once() {
      yield batch(4);
    }
    await expect(m.fit(once(), { epochs: 2 })).rejects.toThrow(
      'small.fit: the batch source yielded no batches. It is read once per epoch',
    );
    // An empty batch between two: skipped, with workers too (it made every weight NaN there).
    const h = await m.fit([batch(4), batch(0), batch(4)], { workers: 2 });
    expect(h.history.loss.every(Number.isFinite)).toBe(true);
    expect((await weightsOf(m)).every(Number.isFinite)).toBe(true);
    // A loss that throws inside the step: tfjs's tape kept copies of the tensors it saved.
    m.compile({
      optimizer: 'sgd',
      loss: [
        'sparseCategoricalCrossentropy',
        () => {
          throw new Error('a bug in my loss');
        },
      ],
    });
    const b = batch(4);
    await expect(m.fit(b.xs, b.ys)).rejects.toThrow('a bug in my loss');
    for (const t of [b.xs, ...(b.ys as never[])]) (t as { dispose(): void }).dispose();
    expect(liveTensors()).toEqual(before);
    m.dispose();
  });

  it('checks validation, batch sizes, workers and x before a single step', async () => {
    await useBackend('cpu');
    const m = small();
    const b = batch(8);
    const start = await weightsOf(m);
    await expect(m.fit(b.xs, b.ys, { validationData: [b.xs] as never })).rejects.toThrow(
      'small.fit: validationData must be a pair [x, y] of arrays (each a tensor, a list or an object of tensors) or a batch source. Received: a list of 1 (tensor).',
    );
    await expect(m.fit(b.xs, b.ys, { validationData: 5 as never })).rejects.toThrow(
      'small.fit: validationData must be arrays (a tensor, a list of tensors in input order, or an object of tensors keyed by input name: every value a tensor) or a batch source',
    );
    await expect(m.fit(b.xs, b.ys, { validationSplit: 0.1 })).rejects.toThrow(
      'small.fit: validationSplit=0.1 of 8 samples leaves 8 to train on and 0 to validate on; both need at least one.',
    );
    await expect(m.fit(b.xs, b.ys, { validationSplit: 0.5, validationData: [b.xs, b.ys] })).rejects.toThrow(
      'small.fit: pass validationSplit or validationData, not both',
    );
    await expect(m.fit(b.xs, b.ys, { workers: 1000 })).rejects.toThrow('fit: workers must be at most 64');
    await expect(m.fit({ a: b.xs, b: [1, 2] } as never, b.ys)).rejects.toThrow(
      'Received: an object with a: tensor, b: object.',
    );
    await expect(m.evaluate(b.xs, b.ys, { batchSize: 0 })).rejects.toThrow(
      'small.evaluate: batchSize must be a positive integer. Received: batchSize=0.',
    );
    expect(await weightsOf(m)).toEqual(start);
    m.dispose();
  });

  it('refuses an output listed twice, and a resume under other metrics', async () => {
    await useBackend('cpu');
    const a = input({ shape: [3], name: 'a' });
    const d = new Dense({ units: 2, name: 'd1' }).apply(a);
    expect(() => model({ inputs: a, outputs: [d, d] })).toThrow("the outputs list 'd1' more than once.");
    const two = small();
    expect(() =>
      two.compile({ optimizer: 'sgd', loss: 'mse', metrics: { size: ['mse', 'meanSquaredError'] } }),
    ).toThrow(
      "small.compile: the metrics of output 'size' name meanSquaredError twice ('mse', 'meanSquaredError'); each metric is logged under its name. List it once.",
    );
    expect(() => two.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: ['1', 1] as never })).toThrow(
      "small.compile: lossWeights must be finite numbers >= 0. Received the string '1' for output 'kind'.",
    );
    two.dispose();
    const m = small();
    const b = batch(8);
    const stop = new AbortController();
    await m.fit(b.xs, b.ys, { batchSize: 2, callbacks: [{ onBatchEnd: () => stop.abort() }], signal: stop.signal });
    expect(m.trainingPosition?.keys).toEqual(['kindLoss', 'sizeLoss', 'kindAccuracy']);
    m.compile({ optimizer: 'sgd', loss: ['sparseCategoricalCrossentropy', 'mse'], metrics: { size: ['mse'] } });
    await expect(m.fit(b.xs, b.ys, { batchSize: 2, resume: true })).rejects.toThrow(
      'it counted kindLoss, sizeLoss, kindAccuracy; the model, as compiled now, tracks kindLoss, sizeLoss, sizeMeanSquaredError.',
    );
    m.dispose();
  });

  it('a model file with two outputs and no compile.outputs is refused, not compiled with one loss for both', async () => {
    await useBackend('cpu');
    const m = small();
    const dir = tmp();
    await m.save(dir);
    const file = join(dir, 'model.json');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    delete json.compile.outputs;
    writeFileSync(file, JSON.stringify(json));
    await expect(loadModel(dir)).rejects.toThrow(
      'model.json compiles a model with 2 outputs but has no compile.outputs',
    );
    m.dispose();
  });
});
