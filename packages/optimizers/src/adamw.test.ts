import { type TensorLike, tensor, tidy, variable } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { Adam, AdamW, adamw } from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';
import { describeOptimizer } from '../test/describe_optimizer.js';

let id = 0;
// tfjs variable names are global: each test gets its own. tidy() frees the initial tensor.
const weights = (values: TensorLike, backend: string) =>
  tidy(() => variable(tensor(values), true, `adamw_${backend}_${id++}`));

// Adam's step plus decoupled weight decay: w -= lr (mHat / (sqrt(vHat) + eps) + weightDecay w).
await describeOptimizer(AdamW, {
  config: { learningRate: 0.1, weightDecay: 0.2 },
  reference: {
    init: (w) => ({ m: w.map(() => 0), v: w.map(() => 0) }),
    step: (w, g, lr, t, s) => {
      const [b1, b2, eps, wd] = [0.9, 0.999, 1e-7, 0.2];
      s.m = s.m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
      s.v = s.v.map((vi, i) => b2 * vi + (1 - b2) * g[i] ** 2);
      const mHat = s.m.map((mi) => mi / (1 - b1 ** t));
      const vHat = s.v.map((vi) => vi / (1 - b2 ** t));
      return w.map((wi, i) => wi - lr * (mHat[i] / (Math.sqrt(vHat[i]) + eps) + wd * wi));
    },
    slots: (s) => ({ momentum: s.m, velocity: s.v }),
  },
});

await describeBackends('AdamW', (backend) => {
  it('with weightDecay 0 matches Adam', async () => {
    const a = weights([0.3, -0.7], backend);
    const b = weights([0.3, -0.7], backend);
    const optA = new Adam({ learningRate: 0.05 });
    const optB = new AdamW({ learningRate: 0.05, weightDecay: 0 });
    for (let t = 0; t < 3; t++) {
      optA.minimize(() => a.square().sum(), { varList: [a] });
      optB.minimize(() => b.square().sum(), { varList: [b] });
    }
    expectClose(await b.data(), await a.data(), backend);
    optA.dispose();
    optB.dispose();
    a.dispose();
    b.dispose();
  });
});

describe('AdamW options', () => {
  it('has Keras defaults and validates weightDecay', () => {
    expect(new AdamW().getConfig()).toEqual({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      weightDecay: 0.004,
    });
    expect(() => adamw({ weightDecay: -1 })).toThrow('AdamW: weightDecay must be a finite number >= 0.');
    expect(() => adamw({ beta1: -0.5 })).toThrow('AdamW: beta1 must be in [0, 1). Received: beta1=-0.5.');
  });
});
