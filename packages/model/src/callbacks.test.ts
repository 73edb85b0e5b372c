import { randomNormal, setSeed, tensor2d, useBackend } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { describe, expect, it } from 'vitest';
import { type Batch, earlyStopping, type ProgressEvent, progressReporter, sequential } from './index.js';

async function tiny() {
  await useBackend('cpu');
  setSeed(1);
  const model = sequential([new Dense({ units: 1, inputShape: [2] })]);
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

describe('progressReporter', () => {
  it('gets its plan from arrays: batches per epoch from the sample count', async () => {
    const model = await tiny();
    const events: ProgressEvent[] = [];
    await model.fit(randomNormal([10, 2]), randomNormal([10, 1]), {
      epochs: 2,
      batchSize: 4,
      callbacks: [progressReporter((e) => events.push(e))],
    });
    const ends = events.filter((e) => e.kind === 'epochEnd');
    expect(ends.map((e) => [e.epoch, e.epochs, e.batches])).toEqual([
      [1, 2, 3],
      [2, 2, 3],
    ]);
    expect(events.filter((e) => e.kind === 'batch').map((e) => e.batch)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('gets its plan from a batch source that knows its count, as a BatchedDataset does', async () => {
    const model = await tiny();
    const source = {
      count: 3,
      *[Symbol.iterator](): Iterator<Batch> {
        for (let i = 0; i < 3; i++) yield { xs: tensor2d([[i, 1]]), ys: tensor2d([[i]]) };
      },
    };
    const events: ProgressEvent[] = [];
    await model.fit(source, { epochs: 1, callbacks: [progressReporter((e) => events.push(e))] });
    expect(events.filter((e) => e.kind === 'epochEnd').map((e) => e.batches)).toEqual([3]);
  });

  it('keeps the plan it was given when a source does not count its batches, and their size', async () => {
    const model = await tiny();
    const source = {
      *[Symbol.iterator](): Iterator<Batch> {
        for (let i = 0; i < 4; i++)
          yield {
            xs: tensor2d([
              [i, 1],
              [1, i],
            ]),
            ys: tensor2d([[i], [1]]),
          };
      },
    };
    const events: ProgressEvent[] = [];
    const reporter = progressReporter((e) => events.push(e), { epochs: 9, batches: 4, batchSize: 2 });
    await model.fit(source, { epochs: 1, callbacks: [reporter] });
    const last = events.filter((e) => e.kind === 'batch').at(-1) as ProgressEvent;
    // fit's epochs win; the batches and their size stay the caller's (fit would have said 0 and 32).
    expect([last.epochs, last.batch, last.batches, last.etaSeconds]).toEqual([1, 4, 4, 0]);
    expect(last.samplesPerSecond).toBeGreaterThan(0);
    expect(last.samplesPerSecond * last.elapsedSeconds).toBeCloseTo(8, 6);
  });
});

describe('earlyStopping', () => {
  it('stops once the monitored loss has not improved for more than `patience` epochs', async () => {
    const model = await tiny();
    // A learning rate of 0 never improves the loss: epoch 1 sets the best, epochs 2 and 3 wait (patience 2),
    // epoch 4 is the third without improvement and stops the run. (Keras stops one epoch earlier.)
    model.compile({ optimizer: { className: 'SGD', config: { learningRate: 0 } }, loss: 'meanSquaredError' });
    const history = await model.fit(randomNormal([8, 2]), randomNormal([8, 1]), {
      epochs: 10,
      batchSize: 8,
      callbacks: [earlyStopping({ monitor: 'loss', patience: 2 })],
    });
    expect(history.history.loss).toHaveLength(4);
  });

  it("judges min or max by how the key ends: a loss of an output named 'account' goes down", async () => {
    const model = { stopTraining: false } as never as { stopTraining: boolean };
    const run = async (monitor: string, values: number[]) => {
      const cb = earlyStopping({ monitor, patience: 0 });
      model.stopTraining = false;
      cb.onTrainBegin?.(model as never);
      for (const [i, v] of values.entries()) await cb.onEpochEnd?.(i, { [monitor]: v }, model as never);
      return model.stopTraining;
    };
    expect(await run('valAccountLoss', [0.5, 0.4, 0.3])).toBe(false);
    expect(await run('valAccountLoss', [0.3, 0.4])).toBe(true);
    expect(await run('valDigitAccuracy', [0.5, 0.6, 0.7])).toBe(false);
    expect(await run('valPrecision', [0.7, 0.6])).toBe(true);
  });
});
