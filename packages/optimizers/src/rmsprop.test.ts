import { type TensorLike, tensor, tidy, variable } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { RMSprop, rmsprop } from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';
import { describeOptimizer } from '../test/describe_optimizer.js';

let id = 0;
// tfjs variable names are global: each test gets its own. tidy() frees the initial tensor.
const weights = (values: TensorLike, backend: string) =>
  tidy(() => variable(tensor(values), true, `rmsprop_${backend}_${id++}`));

interface RMSpropState {
  v: number[];
  a: number[];
  mom: number[];
}

/** v = rho v + (1 - rho) g^2 (centered: minus the average gradient squared), then the step or its momentum. */
function rmspropReference(rho: number, momentum: number, eps: number, centered: boolean) {
  return {
    init: (w: number[]): RMSpropState => ({ v: w.map(() => 0), a: w.map(() => 0), mom: w.map(() => 0) }),
    step: (w: number[], g: number[], lr: number, _t: number, s: RMSpropState) => {
      s.v = s.v.map((vi, i) => rho * vi + (1 - rho) * g[i] ** 2);
      s.a = s.a.map((ai, i) => rho * ai + (1 - rho) * g[i]);
      const denominator = s.v.map((vi, i) => (centered ? Math.max(0, vi - s.a[i] ** 2) : vi));
      const increment = g.map((gi, i) => (lr * gi) / (Math.sqrt(denominator[i]) + eps));
      s.mom = s.mom.map((mi, i) => momentum * mi + increment[i]);
      return w.map((wi, i) => wi - (momentum > 0 ? s.mom[i] : increment[i]));
    },
    slots: (s: RMSpropState): Record<string, number[]> => ({
      velocity: s.v,
      ...(centered ? { averageGradient: s.a } : {}),
      ...(momentum > 0 ? { momentum: s.mom } : {}),
    }),
  };
}

await describeOptimizer(RMSprop, { config: { learningRate: 0.01 }, reference: rmspropReference(0.9, 0, 1e-7, false) });
await describeOptimizer(RMSprop, {
  config: { learningRate: 0.05, rho: 0.8, momentum: 0.5, epsilon: 1e-3, centered: true },
  reference: rmspropReference(0.8, 0.5, 1e-3, true),
});

await describeBackends('RMSprop', (backend) => {
  it('centered with momentum, on fixed gradients, 3 steps', async () => {
    const w = weights([0.5, -1.5], backend);
    const opt = new RMSprop({ learningRate: 0.05, rho: 0.8, momentum: 0.5, epsilon: 1e-3, centered: true });
    const grads = [
      [1, -0.5],
      [0.2, 0.4],
      [-0.6, 0.1],
    ];
    let x = [0.5, -1.5];
    let v = [0, 0];
    let a = [0, 0];
    let mom = [0, 0];
    for (let t = 0; t < 3; t++) {
      const g = grads[t];
      v = v.map((vi, i) => 0.8 * vi + 0.2 * g[i] ** 2);
      a = a.map((ai, i) => 0.8 * ai + 0.2 * g[i]);
      const increment = g.map((gi, i) => (0.05 * gi) / (Math.sqrt(v[i] - a[i] ** 2) + 1e-3));
      mom = mom.map((mi, i) => 0.5 * mi + increment[i]);
      x = x.map((xi, i) => xi - mom[i]);
      const gt = tensor(g);
      opt.applyGradients([{ variable: w, grad: gt }]);
      gt.dispose();
      expectClose(await w.data(), x, backend);
    }
    const slots = (await opt.getState()).slots[w.name];
    expectClose(slots.averageGradient.values, a, backend);
    expectClose(slots.momentum.values, mom, backend);
    opt.dispose();
    w.dispose();
  });
});

describe('RMSprop options', () => {
  it('has Keras defaults and validates rho and momentum', () => {
    expect(new RMSprop().getConfig()).toEqual({
      learningRate: 0.001,
      rho: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    });
    expect(() => rmsprop({ rho: 1 })).toThrow('RMSprop: rho must be in [0, 1). Received: rho=1.');
    expect(() => rmsprop({ momentum: -1 })).toThrow('RMSprop: momentum must be in [0, 1]. Received: momentum=-1.');
  });
});
