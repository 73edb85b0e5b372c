import { Adagrad, adagrad } from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';
import { describeOptimizer } from '../test/describe_optimizer.js';

// acc += g^2 (from initialAccumulatorValue), w -= lr g / (sqrt(acc) + eps).
function adagradReference(initial: number, eps: number) {
  return {
    init: (w: number[]) => ({ acc: w.map(() => initial) }),
    step: (w: number[], g: number[], lr: number, _t: number, s: { acc: number[] }) => {
      s.acc = s.acc.map((ai, i) => ai + g[i] ** 2);
      return w.map((wi, i) => wi - (lr * g[i]) / (Math.sqrt(s.acc[i]) + eps));
    },
    slots: (s: { acc: number[] }) => ({ accumulator: s.acc }),
  };
}

await describeOptimizer(Adagrad, { config: { learningRate: 0.1 }, reference: adagradReference(0.1, 1e-7) });
await describeOptimizer(Adagrad, {
  config: { learningRate: 0.2, initialAccumulatorValue: 0.5, epsilon: 1e-5 },
  reference: adagradReference(0.5, 1e-5),
});

describe('Adagrad options', () => {
  it('has Keras defaults and validates initialAccumulatorValue', () => {
    expect(new Adagrad().getConfig()).toEqual({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
    expect(() => adagrad({ initialAccumulatorValue: -0.1 })).toThrow(
      'Adagrad: initialAccumulatorValue must be a finite number >= 0. Received: initialAccumulatorValue=-0.1.',
    );
  });
});
