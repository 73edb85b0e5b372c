import { NeuriteError, type Scalar, type TensorLike, tensor, tidy, type Variable, variable } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { SGD, sgd } from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';

let id = 0;
// tfjs variable names are global: each test gets its own. tidy() frees the initial tensor.
const weights = (values: TensorLike, backend: string) =>
  tidy(() => variable(tensor(values), true, `sgd_${backend}_${id++}`));
const loss = (w: Variable) => (): Scalar => w.square().sum();

await describeBackends('SGD', (backend) => {
  it('plain: w -= lr g, 3 steps of sum(w^2)', async () => {
    const w = weights([1, -2], backend);
    const opt = sgd({ learningRate: 0.1 });
    let x = [1, -2];
    for (let step = 0; step < 3; step++) {
      const g = x.map((xi) => 2 * xi);
      x = x.map((xi, i) => xi - 0.1 * g[i]);
      opt.minimize(loss(w), { varList: [w] });
      expectClose(await w.data(), x, backend);
    }
    expect(x[0]).toBeCloseTo(0.512, 12); // 0.8^3
    expect((await opt.getState()).slots).toEqual({}); // no momentum, no slot
    w.dispose();
  });

  for (const nesterov of [false, true]) {
    it(`momentum 0.9, nesterov ${nesterov}: 3 steps of sum(w^2)`, async () => {
      const w = weights([1, -2], backend);
      const opt = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov });
      let x = [1, -2];
      let v = [0, 0];
      for (let step = 0; step < 3; step++) {
        const g = x.map((xi) => 2 * xi);
        v = v.map((vi, i) => 0.9 * vi - 0.1 * g[i]);
        x = nesterov ? x.map((xi, i) => xi + 0.9 * v[i] - 0.1 * g[i]) : x.map((xi, i) => xi + v[i]);
        opt.minimize(loss(w), { varList: [w] });
        expectClose(await w.data(), x, backend);
      }
      const state = await opt.getState();
      expectClose(state.slots[w.name].momentum.values, v, backend);
      opt.dispose();
      w.dispose();
    });
  }
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
