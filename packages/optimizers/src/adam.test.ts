import { NeuriteError, type TensorLike, tensor, tidy, variable } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { Adam, adam, stepDecay } from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';
import { describeOptimizer } from '../test/describe_optimizer.js';

let id = 0;
// tfjs variable names are global: each test gets its own. tidy() frees the initial tensor.
const weights = (values: TensorLike, backend: string) =>
  tidy(() => variable(tensor(values), true, `adam_${backend}_${id++}`));

// Bias-corrected moments: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, w -= lr mHat / (sqrt(vHat) + eps).
function adamReference(b1: number, b2: number, eps: number, weightDecay = 0) {
  return {
    init: (w: number[]) => ({ m: w.map(() => 0), v: w.map(() => 0) }),
    step: (w: number[], g: number[], lr: number, t: number, s: { m: number[]; v: number[] }) => {
      s.m = s.m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
      s.v = s.v.map((vi, i) => b2 * vi + (1 - b2) * g[i] ** 2);
      return w.map((wi, i) => {
        const direction = s.m[i] / (1 - b1 ** t) / (Math.sqrt(s.v[i] / (1 - b2 ** t)) + eps);
        return wi - lr * (direction + weightDecay * wi);
      });
    },
    slots: (s: { m: number[]; v: number[] }) => ({ momentum: s.m, velocity: s.v }),
  };
}

await describeOptimizer(Adam, { config: { learningRate: 0.1 }, reference: adamReference(0.9, 0.999, 1e-7) });
await describeOptimizer(Adam, {
  config: { learningRate: 0.05, beta1: 0.5, beta2: 0.75, epsilon: 0.1 },
  reference: adamReference(0.5, 0.75, 0.1),
});
// A schedule: the rate halves every 2 steps, while the bias correction follows the step count.
await describeOptimizer(Adam, {
  config: { learningRate: stepDecay({ initialLearningRate: 0.1, stepSize: 2, gamma: 0.5 }) },
  reference: adamReference(0.9, 0.999, 1e-7),
  steps: 4,
});

await describeBackends('Adam', (backend) => {
  it('takes fixed gradients keyed by variable name, with a large epsilon', async () => {
    const w = weights([0.5, 3], backend);
    const opt = new Adam({ learningRate: 0.01, beta1: 0.5, beta2: 0.75, epsilon: 0.1 });
    const grads = [
      [0.5, -1],
      [0.1, 0.2],
      [-0.3, 0.4],
    ];
    let x = [0.5, 3];
    let m = [0, 0];
    let v = [0, 0];
    for (let t = 1; t <= 3; t++) {
      const g = grads[t - 1];
      m = m.map((mi, i) => 0.5 * mi + 0.5 * g[i]);
      v = v.map((vi, i) => 0.75 * vi + 0.25 * g[i] ** 2);
      x = x.map((xi, i) => xi - (0.01 * (m[i] / (1 - 0.5 ** t))) / (Math.sqrt(v[i] / (1 - 0.75 ** t)) + 0.1));
      const gt = tensor(g);
      opt.applyGradients({ [w.name]: gt });
      gt.dispose();
      expectClose(await w.data(), x, backend);
    }
    opt.dispose();
    w.dispose();
  });
});

describe('Adam options', () => {
  it('has Keras defaults', () => {
    expect(new Adam().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  });

  it('rejects betas outside [0, 1) and a negative epsilon', () => {
    expect(() => adam({ beta1: 1.2 })).toThrow(NeuriteError);
    expect(() => adam({ beta1: 1.2 })).toThrow('Adam: beta1 must be in [0, 1). Received: beta1=1.2.');
    expect(() => adam({ beta2: 1 })).toThrow('Adam: beta2 must be in [0, 1). Received: beta2=1.');
    expect(() => adam({ epsilon: -1e-8 })).toThrow('Adam: epsilon must be a finite number >= 0.');
    expect(() => adam({ learningRate: Number.NaN })).toThrow('Adam: learningRate must be a finite number >= 0.');
  });
});
