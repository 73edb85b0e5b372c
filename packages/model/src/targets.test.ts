import { tensor2d, useBackend } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { getLoss, type Loss } from '@neurite/losses';
import { describe, expect, it } from 'vitest';
import { sequential } from './index.js';

describe('targets follow what the loss declares, not its name', () => {
  it("a custom loss named sparseFocal takes dense targets, and 'accuracy' is binary for it", async () => {
    await useBackend('cpu');
    const sparseFocal = (yTrue: Parameters<Loss['call']>[0], yPred: Parameters<Loss['call']>[1]) =>
      yPred.sub(yTrue).square().mean();
    const model = sequential([new Dense({ units: 2, activation: 'sigmoid', inputShape: [3] })]);
    model.compile({ optimizer: 'sgd', loss: sparseFocal, metrics: ['accuracy'] });
    expect(model.loss?.targets).toBe('dense');
    const x = tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 2 });
    expect(history.history.loss).toHaveLength(1);
  });

  it('a Loss object declaring sparse targets gets the sparse-label checks', async () => {
    await useBackend('cpu');
    const builtin = getLoss('sparseCategoricalCrossentropy');
    const mine: Loss = { className: 'MyLabels', config: {}, targets: 'sparse', call: builtin.call };
    const model = sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: mine });
    await expect(model.fit(tensor2d([[1, 2]]), tensor2d([[0, 1, 0]]), { epochs: 1 })).rejects.toThrow(
      'MyLabels expects integer class labels of shape [batch]',
    );
  });
});
