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
