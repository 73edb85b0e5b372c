import { ones, tensor, useBackend, zeros } from '@neurite/core';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '@neurite/layers';
import { confusionMatrix, sequential } from '@neurite/model';
import { describe, expect, it } from 'vitest';

describe('Sequential', () => {
  it('summarises layers, shapes and parameter counts as data and as a table', async () => {
    await useBackend('cpu');
    const model = sequential([
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], name: 'c1' }),
      new MaxPooling2D({ name: 'p1' }),
      new Flatten({ name: 'f' }),
      new Dense({ units: 10, activation: 'softmax', name: 'out' }),
    ]);
    const lines: string[] = [];
    const s = model.summary({ print: (t) => lines.push(t) });
    // conv: 3*3*1*32 + 32 = 320; dense: 13*13*32*10 + 10 = 54,090
    expect(s.rows.map((r) => [r.name, r.className, r.outputShape, r.params])).toEqual([
      ['c1', 'Conv2D', [null, 26, 26, 32], 320],
      ['p1', 'MaxPooling2D', [null, 13, 13, 32], 0],
      ['f', 'Flatten', [null, 5408], 0],
      ['out', 'Dense', [null, 10], 54090],
    ]);
    expect(s.totalParams).toBe(54410);
    expect(s.trainableParams).toBe(54410);
    expect(lines[0]).toContain('c1 (Conv2D)');
    expect(lines[0]).toContain('Total params: 54,410');
  });

  it("returns every layer's activation in order, named and shaped", async () => {
    await useBackend('cpu');
    const model = sequential([
      new Conv2D({ filters: 4, kernelSize: 3, inputShape: [8, 8, 1], name: 'conv' }),
      new Flatten({ name: 'flat' }),
      new Dense({ units: 3, name: 'dense' }),
    ]);
    const acts = model.activations(zeros([1, 8, 8, 1]));
    expect(acts.map((a) => [a.name, a.className, a.shape])).toEqual([
      ['conv', 'Conv2D', [1, 6, 6, 4]],
      ['flat', 'Flatten', [1, 144]],
      ['dense', 'Dense', [1, 3]],
    ]);
    const last = await acts[2].output.data();
    expect(Array.from(last)).toEqual(Array.from(await model.predict(zeros([1, 8, 8, 1])).data()));
    for (const a of acts) a.output.dispose();
  });

  it('predicts in batches with the same numbers as one pass', async () => {
    await useBackend('cpu');
    const model = sequential([new Dense({ units: 2, inputShape: [3] })]);
    const x = tensor(
      Array.from({ length: 30 }, (_, i) => i / 30),
      [10, 3],
    );
    expect(await model.predict(x, { batchSize: 3 }).data()).toEqual(await model.predict(x).data());
  });

  it('explains input shapes that do not fit, and duplicate names', async () => {
    await useBackend('cpu');
    const model = sequential([new Dense({ units: 2, inputShape: [784] })], { name: 'mlp' });
    expect(() => model.predict(ones([2, 28, 28]))).toThrow(
      'mlp.predict: the model expects samples of shape [784] (input [batch, 784]). Received x of shape [2, 28, 28]. ' +
        'Reshape it, e.g. x.reshape([-1, 784]).',
    );
    expect(() => model.add(new Dense({ units: 2, name: model.layers[0].name }))).toThrow('is already in the model');
    expect(() => sequential([new Dense({ units: 1 })]).build()).toThrow('the input shape is unknown');
  });
});

describe('confusionMatrix', () => {
  it('counts (true, predicted) pairs', () => {
    expect(confusionMatrix([0, 1, 1, 2, 2], [0, 1, 2, 2, 0], 3)).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [1, 0, 1],
    ]);
    expect(() => confusionMatrix([3], [0], 3)).toThrow('labels must be integers in [0, 3). Received yTrue[0]=3');
  });
});
