import { type TensorLike, tensor, tidy, variable } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { Adagrad, adagrad } from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';

let id = 0;
// tfjs variable names are global: each test gets its own. tidy() frees the initial tensor.
const weights = (values: TensorLike, backend: string) =>
  tidy(() => variable(tensor(values), true, `adagrad_${backend}_${id++}`));

await describeBackends('Adagrad', (backend) => {
  it('acc += g^2, w -= lr g / (sqrt(acc) + eps), from acc = 0.1: 3 steps of sum(w^2)', async () => {
    const w = weights([1, -2], backend);
    const opt = adagrad({ learningRate: 0.1 });
    const [lr, eps] = [0.1, 1e-7];
    let x = [1, -2];
    let acc = [0.1, 0.1];
    for (let t = 0; t < 3; t++) {
      const g = x.map((xi) => 2 * xi);
      acc = acc.map((ai, i) => ai + g[i] ** 2);
      x = x.map((xi, i) => xi - (lr * g[i]) / (Math.sqrt(acc[i]) + eps));
      opt.minimize(() => w.square().sum(), { varList: [w] });
      expectClose(await w.data(), x, backend);
    }
    expectClose((await opt.getState()).slots[w.name].accumulator.values, acc, backend);
    opt.dispose();
    w.dispose();
  });
});

describe('Adagrad options', () => {
  it('has Keras defaults and validates initialAccumulatorValue', () => {
    expect(new Adagrad().getConfig()).toEqual({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
    expect(() => adagrad({ initialAccumulatorValue: -0.1 })).toThrow(
      'Adagrad: initialAccumulatorValue must be a finite number >= 0. Received: initialAccumulatorValue=-0.1.',
    );
  });
});
