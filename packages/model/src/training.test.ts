import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { liveTensors, ones, setSeed, tensor, tensor1d, tensor2d, useBackend } from '@neurite/core';
import { describeBackends } from '@neurite/core/testing';
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } from '@neurite/layers';
import {
  earlyStopping,
  learningRateScheduler,
  loadModel,
  modelCheckpoint,
  progressReporter,
  sequential,
} from '@neurite/model';
import { adam } from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';
import { mnistSlice } from '../test/mnist.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'neurite-model-'));
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

// A CNN small enough for webgpu over SwiftShader (a CPU emulation) to fit 2 epochs in seconds.
function cnn(seed: number) {
  setSeed(seed);
  return sequential([
    new Conv2D({ filters: 4, kernelSize: 5, strides: 2, activation: 'relu', inputShape: [28, 28, 1] }),
    new MaxPooling2D(),
    new Flatten(),
    new Dense({ units: 10, activation: 'softmax' }),
  ]);
}

await describeBackends('a CNN on the first 2,000 MNIST images', (backend) => {
  it('fits 3 epochs with falling loss and a flat tensor count; saves; a fresh process predicts the same', async () => {
    const { x, y } = mnistSlice(2000);
    const model = cnn(1);
    model.compile({ optimizer: adam({ learningRate: 0.003 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const counts: number[] = [];
    const h = await model.fit(x, y, {
      epochs: 3,
      batchSize: 100,
      seed: 1,
      callbacks: [{ onEpochEnd: () => void counts.push(liveTensors().tensors) }],
    });
    expect(h.history.loss[1]).toBeLessThan(h.history.loss[0]);
    expect(h.history.loss[2]).toBeLessThan(h.history.loss[1]);
    expect(h.history.accuracy[2]).toBeGreaterThan(0.6);
    // Live tensors after epoch 1 == after epoch 3: every step ran in a scope.
    expect(counts[2]).toBe(counts[0]);

    const dir = join(tmp(), 'cnn');
    await model.save(dir, { includeOptimizer: true });
    const probe = x.slice([0], [8]);
    const here = Array.from(await model.predict(probe).data());
    const script =
      "import * as nc from '@neurite/core'; import { loadModel } from '@neurite/model';" +
      "import { webgpu } from '@neurite/backend-webgpu'; nc.registerBackend(webgpu);" +
      `await nc.useBackend('${backend}'); const m = await loadModel(${JSON.stringify(dir)});` +
      `const x = nc.tensor(${JSON.stringify(Array.from(await probe.data()))}, [8, 28, 28, 1]);` +
      'console.log(JSON.stringify(Array.from(await m.predict(x).data())));';
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkgDir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop() as string)).toEqual(here);
    model.dispose();
  });
});

describe('fit on cpu', () => {
  it('resumes exactly: 2 epochs + save + load + 1 epoch == 3 epochs', async () => {
    await useBackend('cpu');
    const { x, y } = mnistSlice(300);
    const make = () => {
      setSeed(7);
      const m = sequential([
        new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
        new MaxPooling2D(),
        new Flatten(),
        new Dropout({ rate: 0.3 }),
        new Dense({ units: 10, activation: 'softmax' }),
      ]);
      m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return m;
    };
    const straight = make();
    await straight.fit(x, y, { epochs: 3, batchSize: 50, seed: 3 });
    const interrupted = make();
    await interrupted.fit(x, y, { epochs: 2, batchSize: 50, seed: 3 });
    const dir = join(tmp(), 'resume');
    await interrupted.save(dir, { includeOptimizer: true });
    const resumed = await loadModel(dir);
    expect(resumed.epochsTrained).toBe(2);
    await resumed.fit(x, y, { epochs: 3, initialEpoch: resumed.epochsTrained, batchSize: 50, seed: 3 });
    const a = await straight.getWeightValues();
    const b = await resumed.getWeightValues();
    expect(b).toEqual(a);
  });

  it('stops mid-epoch on a signal and resumes bit for bit: weights, optimizer, history (with and without a seed)', async () => {
    await useBackend('cpu');
    const { x, y } = mnistSlice(300);
    const make = () => {
      setSeed(7);
      const m = sequential([
        new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
        new MaxPooling2D(),
        new Flatten(),
        new Dropout({ rate: 0.3 }),
        new Dense({ units: 10, activation: 'softmax' }),
      ]);
      m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return m;
    };
    for (const seed of [3, undefined]) {
      setSeed(11);
      const straight = make();
      const full = await straight.fit(x, y, { epochs: 2, batchSize: 40, seed, validationSplit: 0.2 });
      // Stop after batch 3 of epoch 2 (of 6), save, load in place of a new process, resume.
      setSeed(11);
      const first = make();
      const controller = new AbortController();
      const part = await first.fit(x, y, {
        epochs: 2,
        batchSize: 40,
        seed,
        validationSplit: 0.2,
        signal: controller.signal,
        callbacks: [{ onBatchEnd: (b) => void (first.epochsTrained === 1 && b === 2 && controller.abort()) }],
      });
      expect(part.interrupted).toEqual({ epoch: 1, batch: 3 });
      expect(part.epoch).toEqual([0]);
      expect(first.epochsTrained).toBe(1);
      expect(first.trainingPosition).toMatchObject({ epoch: 1, batch: 3, batchSize: 40, trainSamples: 240 });
      const dir = join(tmp(), `mid-epoch-${seed}`);
      await first.save(dir, { includeOptimizer: true });
      setSeed(999); // whatever the stream did since, resuming restores it
      const resumed = await loadModel(dir);
      expect(resumed.trainingPosition).toEqual(first.trainingPosition);
      const rest = await resumed.fit(x, y, { epochs: 2, batchSize: 40, seed, validationSplit: 0.2, resume: true });
      expect(rest.epoch).toEqual([1]);
      expect(resumed.trainingPosition).toBeUndefined();
      expect(await resumed.getWeightValues()).toEqual(await straight.getWeightValues());
      expect(resumed.optimizer?.iterations).toBe(straight.optimizer?.iterations);
      for (const key of Object.keys(full.history))
        expect([part.history[key][0], rest.history[key][0]]).toEqual(full.history[key]);
    }
  });

  it('refuses to resume mid-epoch on other data, and resume with initialEpoch', async () => {
    await useBackend('cpu');
    const { x, y } = mnistSlice(100);
    const m = sequential([new Flatten({ inputShape: [28, 28, 1] }), new Dense({ units: 10, activation: 'softmax' })]);
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const controller = new AbortController();
    controller.abort();
    await m.fit(x, y, { epochs: 1, batchSize: 20, signal: controller.signal });
    expect(m.trainingPosition?.batch).toBe(1);
    await expect(m.fit(x, y, { epochs: 1, batchSize: 25, resume: true })).rejects.toThrow(
      `${m.name}.fit: cannot resume inside epoch 1: it trained batches of 20 from 100 samples; this call has batches of 25 from 100. ` +
        'Pass the same data and batchSize as the interrupted run, or set model.trainingPosition = undefined to restart the epoch.',
    );
    await expect(m.fit(x, y, { epochs: 1, resume: true, initialEpoch: 0 })).rejects.toThrow(
      'pass resume or initialEpoch, not both',
    );
    const h = await m.fit(x, y, { epochs: 1, batchSize: 20, resume: true });
    expect(h.epoch).toEqual([0]);
  });

  it('stops on a NaN loss, naming the epoch and batch, and keeps the last good checkpoint', async () => {
    await useBackend('cpu');
    setSeed(1);
    const x = tensor2d(Array.from({ length: 40 }, (_, i) => [i, -i]));
    const y = tensor2d(Array.from({ length: 20 }, (_, i) => [i * 10]));
    const model = sequential([new Dense({ units: 1, inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const dir = join(tmp(), 'ckpt');
    await model.fit(x.slice([0], [20]), y, { epochs: 1, batchSize: 20, callbacks: [modelCheckpoint({ dir })] });
    const good = Array.from(await (await loadModel(dir)).predict(tensor2d([[1, 1]])).data());
    model.learningRate = 1e6;
    await expect(
      model.fit(x.slice([0], [20]), y, { epochs: 3, batchSize: 5, callbacks: [modelCheckpoint({ dir })] }),
    ).rejects.toThrow(/the loss became (NaN|Infinity) at epoch 1, batch [0-9]+\. Lower the learning rate/);
    expect(Array.from(await (await loadModel(dir)).predict(tensor2d([[1, 1]])).data())).toEqual(good);
  });

  it('explains targets that do not fit the loss', async () => {
    await useBackend('cpu');
    const model = sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [2] })], { name: 'clf' });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    await expect(model.fit(ones([4, 2]), tensor1d([0, 1, 2, 1]))).rejects.toThrow(
      "clf.fit: CategoricalCrossentropy expects targets shaped like the model's output [batch, 3]. Received y of shape [4]. " +
        'These look like integer labels: use sparseCategoricalCrossentropy, or one-hot encode them with oneHot(labels, 3).',
    );
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await expect(model.fit(ones([4, 2]), tensor1d([0, 1, 3, 1]))).rejects.toThrow(
      'clf.fit: sparse labels must be integers in [0, 3) for an output of 3 classes. Received y[2] = 3.',
    );
    await expect(model.fit(ones([4, 5]), tensor1d([0, 1, 2, 1]))).rejects.toThrow(
      'clf.fit: the model expects samples of shape [2] (input [batch, 2]). Received x of shape [4, 5].',
    );
    await expect(
      sequential([new Dense({ units: 1, inputShape: [1] })]).fit(ones([1, 1]), ones([1, 1])),
    ).rejects.toThrow('the model is not compiled');
  });

  it('runs callbacks: early stopping restores the best weights, the scheduler sets the rate, progress reports', async () => {
    await useBackend('cpu');
    setSeed(2);
    const x = tensor(
      Array.from({ length: 64 }, (_, i) => (i % 8) / 8),
      [32, 2],
    );
    const y = tensor(
      Array.from({ length: 32 }, (_, i) => i % 2),
      [32, 1],
    );
    const model = sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const rates: number[] = [];
    const events: string[] = [];
    const h = await model.fit(x, y, {
      epochs: 30,
      batchSize: 8,
      validationSplit: 0.25,
      seed: 1,
      callbacks: [
        learningRateScheduler((epoch) => 0.5 / (epoch + 1)),
        { onEpochBegin: (_e, m) => void rates.push(m.learningRate) },
        // minDelta so large that no epoch after the first counts as better: stops after patience + 1 epochs.
        earlyStopping({ monitor: 'valLoss', patience: 2, minDelta: 100, restoreBestWeights: true }),
        progressReporter((e) => events.push(`${e.kind}:${e.epoch}:${e.batch}/${e.batches}`)),
      ],
    });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(rates.slice(0, 3)).toEqual([0.5, 0.25, 0.5 / 3]);
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'valAccuracy', 'valLoss']);
    expect(events.slice(0, 5)).toEqual([
      'epochBegin:1:0/3',
      'batch:1:1/3',
      'batch:1:2/3',
      'batch:1:3/3',
      'epochEnd:1:3/3',
    ]);
  });
});

describe('fit on a batch source', () => {
  it('builds an unbuilt model from the first batch and trains it', async () => {
    await useBackend('cpu');
    setSeed(5);
    const model = sequential([new Dense({ units: 2, activation: 'softmax' })]);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const batches = () =>
      [0, 1, 2].map(() => ({
        xs: tensor(
          [
            [1, 0, 0, 1],
            [0, 1, 1, 0],
          ],
          [2, 4],
        ),
        ys: tensor(
          [
            [1, 0],
            [0, 1],
          ],
          [2, 2],
        ),
      }));
    const h = await model.fit(batches(), { epochs: 1 });
    expect(h.history.loss).toHaveLength(1);
    expect(model.inputShape).toEqual([4]);
  });
});
