// The course's examples, with the numbers worked out by hand.
import { liveTensors, setSeed, tensor2d, useBackend } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { sequential } from '@neurite/model';
import { sgd } from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';

describe('forward propagation: the bank-transactions example', () => {
  it('predicts transactions from #children and #accounts, node by node', async () => {
    await useBackend('cpu');
    // Input: 2 children, 3 accounts. Hidden node 0 weights [1, 1], node 1 weights [-1, 1] (ReLU, no bias);
    // output weights [2, -1].
    const hidden = new Dense({ units: 2, activation: 'relu', useBias: false, inputShape: [2], name: 'hidden' });
    const output = new Dense({ units: 1, useBias: false, name: 'output' });
    const model = sequential([hidden, output]);
    model.build();
    hidden.setWeightValues([[1, -1, 1, 1]]); // kernel [inputs=2, units=2], row-major: [[1, -1], [1, 1]]
    output.setWeightValues([[2, -1]]);
    const acts = model.activations(tensor2d([[2, 3]]));
    // node 0 = relu(2*1 + 3*1) = 5; node 1 = relu(2*-1 + 3*1) = 1
    expect(Array.from(await acts[0].output.data())).toEqual([5, 1]);
    // output = 5*2 + 1*(-1) = 9 transactions
    expect(Array.from(await acts[1].output.data())).toEqual([9]);
  });
});

describe('gradient descent with binary cross-entropy', () => {
  it('lowers the loss J = mean loss with W <- W - alpha dJ/dW', async () => {
    await useBackend('cpu');
    setSeed(4);
    // Label 1 when x0 + x1 > 1: linearly separable, so a single sigmoid unit learns it.
    const pts = [
      [0, 0],
      [0.2, 0.3],
      [0.9, 0.8],
      [1, 0.5],
      [0.1, 0.6],
      [0.7, 0.9],
      [0.3, 0.1],
      [0.8, 0.6],
    ];
    const x = tensor2d(pts);
    const y = tensor2d(pts.map(([a, b]) => [a + b > 1 ? 1 : 0]));
    const model = sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
    model.compile({ optimizer: sgd({ learningRate: 1 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    model.build();
    const before = liveTensors().tensors;
    const h = await model.fit(x, y, { epochs: 60, batchSize: 8, seed: 1 });
    const loss = h.history.loss;
    expect(loss[59]).toBeLessThan(loss[0] * 0.6);
    expect(h.history.accuracy[59]).toBeGreaterThanOrEqual(0.875);
    expect(liveTensors().tensors).toBe(before);
  });
});
