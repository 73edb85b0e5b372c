import {
  dispose,
  liveTensors,
  type Scalar,
  type TensorLike,
  tensor,
  tidy,
  type Variable,
  variable,
} from '@neurite/core';
import { describeBackends } from '@neurite/core/testing';
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD, stepDecay, warmup } from '@neurite/optimizers';
import { expect, it } from 'vitest';

let id = 0;
// tfjs variable names are global: each test gets its own. tidy() frees the initial tensor.
const weights = (values: TensorLike, backend: string) =>
  tidy(() => variable(tensor(values), true, `state_${backend}_${id++}`));

// Every optimizer with the options that create all of its slots, and a schedule so that iterations matter.
const makers: [string, () => Optimizer][] = [
  ['SGD', () => new SGD({ learningRate: warmup({ warmupSteps: 2, after: 0.1 }), momentum: 0.9, nesterov: true })],
  ['Adam', () => new Adam({ learningRate: stepDecay({ initialLearningRate: 0.1, stepSize: 2, gamma: 0.5 }) })],
  ['AdamW', () => new AdamW({ learningRate: 0.05, weightDecay: 0.1, clipNorm: 1 })],
  ['RMSprop', () => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true, globalClipNorm: 2 })],
  ['Adagrad', () => new Adagrad({ learningRate: 0.1, clipValue: 1 })],
];

/** Two variables (a vector and a matrix) and a loss that reaches both. */
function problem(backend: string): { vars: Variable[]; loss: () => Scalar } {
  const a = weights([1, -2], backend);
  const b = weights(
    [
      [0.5, 0.25],
      [-1, 3],
    ],
    backend,
  );
  return {
    vars: [a, b],
    loss: () =>
      a
        .square()
        .sum()
        .add(b.matMul(a.reshape([2, 1])).sum()),
  };
}

await describeBackends('Optimizer state', (backend) => {
  for (const [name, make] of makers) {
    it(`${name}: 2 steps + getState + a new optimizer + setState + 1 step == 3 steps, bit for bit`, async () => {
      const straight = problem(backend);
      const opt = make();
      for (let i = 0; i < 3; i++) opt.minimize(straight.loss, { varList: straight.vars });

      const resumed = problem(backend);
      const first = make();
      for (let i = 0; i < 2; i++) first.minimize(resumed.loss, { varList: resumed.vars });
      const saved = await first.getState();
      first.dispose();
      const second = make();
      second.setState(saved);
      expect(second.iterations).toBe(2);
      second.minimize(resumed.loss, { varList: resumed.vars });
      expect(second.iterations).toBe(3);
      for (let i = 0; i < 2; i++) {
        expect(Array.from(await resumed.vars[i].data())).toEqual(Array.from(await straight.vars[i].data()));
      }
      // Without the state, the third step differs: the test can fail.
      const fresh = problem(backend);
      const restart = [make(), make()];
      for (let i = 0; i < 2; i++) restart[0].minimize(fresh.loss, { varList: fresh.vars });
      restart[1].minimize(fresh.loss, { varList: fresh.vars });
      expect(Array.from(await fresh.vars[0].data())).not.toEqual(Array.from(await straight.vars[0].data()));
      restart.forEach((o) => {
        o.dispose();
      });
      dispose(fresh.vars);
      const full = await opt.getState();
      expect(Object.keys(full.slots[straight.vars[0].name]).sort()).toEqual(
        Object.keys(saved.slots[resumed.vars[0].name]).sort(),
      );
      opt.dispose();
      second.dispose();
      dispose([...straight.vars, ...resumed.vars]);
    });

    it(`${name}: the live tensor count is flat after each step, and dispose() frees the slots`, async () => {
      const { vars, loss } = problem(backend);
      const before = liveTensors();
      const opt = make();
      opt.minimize(loss, { varList: vars });
      const afterFirst = liveTensors();
      for (let i = 0; i < 3; i++) {
        const cost = opt.minimize(loss, { varList: vars, returnCost: true });
        cost?.dispose();
        expect(liveTensors()).toEqual(afterFirst);
      }
      opt.dispose();
      expect(liveTensors().tensors).toBe(before.tensors);
      expect(liveTensors().dataIds).toBe(before.dataIds);
      dispose(vars);
    });
  }

  it('setState rejects a state from another optimizer or with the wrong number of values', async () => {
    const w = weights([1, 2], backend);
    const opt = new Adam();
    opt.minimize(() => w.square().sum(), { varList: [w] });
    const state = await opt.getState();
    expect(() => new SGD().setState(state)).toThrow(
      "SGD.setState: the state must come from a SGD. Received: className='Adam'.",
    );
    const bad = { ...state, slots: { [w.name]: { momentum: { shape: [3], values: new Float32Array(2) } } } };
    expect(() => opt.setState(bad)).toThrow(`slots['${w.name}']['momentum'].values must hold 3 numbers`);
    expect(opt.iterations).toBe(1); // unchanged by the failed setState
    opt.dispose();
    w.dispose();
  });
});
