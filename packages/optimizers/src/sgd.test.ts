import { NeuriteError } from '@neurite/core';
import { SGD, sgd, warmup } from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';
import { describeOptimizer } from '../test/describe_optimizer.js';

// Plain: w -= lr g, and no slot.
await describeOptimizer(SGD, {
  config: { learningRate: 0.1 },
  reference: {
    init: () => ({}),
    step: (w, g, lr) => w.map((wi, i) => wi - lr * g[i]),
    slots: () => ({}),
  },
});

// With momentum: v = momentum v - lr g, then w += v, or with nesterov w += momentum v - lr g (the new v).
for (const nesterov of [false, true]) {
  await describeOptimizer(SGD, {
    config: { learningRate: 0.1, momentum: 0.9, nesterov },
    reference: {
      init: (w) => ({ v: w.map(() => 0) }),
      step: (w, g, lr, _t, s) => {
        s.v = s.v.map((vi, i) => 0.9 * vi - lr * g[i]);
        return w.map((wi, i) => (nesterov ? wi + 0.9 * s.v[i] - lr * g[i] : wi + s.v[i]));
      },
      slots: (s) => ({ momentum: s.v }),
    },
  });
}

// A schedule: the rate of each step is the schedule's value at iterations.
await describeOptimizer(SGD, {
  config: { learningRate: warmup({ warmupSteps: 2, after: 0.1 }), momentum: 0.5 },
  reference: {
    init: (w) => ({ v: w.map(() => 0) }),
    step: (w, g, lr, _t, s) => {
      s.v = s.v.map((vi, i) => 0.5 * vi - lr * g[i]);
      return w.map((wi, i) => wi + s.v[i]);
    },
    slots: (s) => ({ momentum: s.v }),
  },
});

describe('SGD options', () => {
  it('has Keras defaults', () => {
    expect(new SGD().getConfig()).toEqual({ learningRate: 0.01, momentum: 0, nesterov: false });
    expect(SGD.className).toBe('SGD');
  });

  it('rejects bad options with the key, the range and the value', () => {
    expect(() => sgd({ momentum: -0.1 })).toThrow(NeuriteError);
    expect(() => sgd({ momentum: -0.1 })).toThrow('SGD: momentum must be in [0, 1]. Received: momentum=-0.1.');
    expect(() => sgd({ learningRate: -1 })).toThrow('SGD: learningRate must be a finite number >= 0. Received:');
    expect(() => sgd({ nesterov: 'yes' as never })).toThrow(
      "SGD: nesterov must be true or false. Received: nesterov='yes'.",
    );
  });
});
