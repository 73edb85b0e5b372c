// describeOptimizer: the checks every optimizer needs, run on every backend (describeBackends from
// @neurite/core/testing), in the style of describeLayer (@neurite/layers/testing). An optimizer's test
// file calls
//   await describeOptimizer(SGD, { config: { learningRate: 0.1 }, reference: { init, step } });
// and keeps, beside it, only the tests that are about that optimizer alone (its options, special inputs).
import { dispose, liveTensors, type Scalar, type Tensor, tensor, tidy, type Variable, variable } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import {
  getOptimizer,
  type Optimizer,
  type OptimizerClass,
  type OptimizerConfig,
  optimizerFromConfig,
  type Schedule,
} from '@neurite/optimizers';
import { expect, it } from 'vitest';

/** The update rule in plain float64 JS, for one variable, element by element. */
export interface OptimizerReference<S> {
  /** The state (the slots) before the first step, for a variable holding `w`. */
  init(w: number[]): S;
  /**
   * One step at step number `t` (1 for the first) with learning rate `lr` and gradient `g`: returns the
   * new weights, and updates `state` in place.
   */
  step(w: number[], g: number[], lr: number, t: number, state: S): number[];
  /** The slots the optimizer should hold for the variable, by slot name (`getState().slots[name]`). */
  slots?(state: S): Record<string, number[]>;
}

/** What describeOptimizer needs to know about one optimizer configuration. */
export interface OptimizerKitSpec<S> {
  /** The options; `learningRate` a number or a schedule. Clipping is not modelled: test it on its own. */
  config: Record<string, unknown>;
  reference: OptimizerReference<S>;
  /** Steps of the reference comparison; default 3. */
  steps?: number;
  /** Appended to the suite's title; default the config. */
  title?: string;
  /** Multiplies the tolerances of the comparisons with the reference. Default 1. */
  tolerance?: number;
}

type KitClass = OptimizerClass & { slotNames: readonly string[] };

/** The quadratic 0.5 sum h (w - c)^2 over two variables (a matrix and a vector): gradient h (w - c). */
const SHAPES = [[2, 2], [3]];
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const START = SHAPES.map((s, k) => Array.from(floats(size(s), 101 + k), (v) => 1.5 * v));
const CENTER = SHAPES.map((s, k) => Array.from(floats(size(s), 201 + k)));
const CURVATURE = SHAPES.map((s, k) => Array.from(floats(size(s), 301 + k), (v) => 1.5 + v)); // in [0.5, 2.5)

let id = 0;

interface Problem {
  vars: Variable[];
  loss: () => Scalar;
  dispose(): void;
}

function problem(prefix: string): Problem {
  // tfjs variable names are global: every problem gets its own. tidy() frees the initial tensors.
  const vars = SHAPES.map((s, k) =>
    tidy(() => variable(tensor(Float32Array.from(START[k]), s), true, `${prefix}_${id++}`)),
  );
  const c = SHAPES.map((s, k) => tensor(Float32Array.from(CENTER[k]), s));
  const h = SHAPES.map((s, k) => tensor(Float32Array.from(CURVATURE[k]), s));
  const loss = () =>
    vars
      .map((v, k) => v.sub(c[k]).square().mul(h[k]).sum() as Scalar)
      .reduce((a, b) => a.add(b) as Scalar)
      .mul(0.5) as Scalar;
  return { vars, loss, dispose: () => dispose([...vars, ...c, ...h]) };
}

/** The gradient of the quadratic at the reference's own (float64) weights. */
const gradient = (w: number[], k: number) => w.map((wi, i) => CURVATURE[k][i] * (wi - CENTER[k][i]));

const configText = (config: Record<string, unknown>) =>
  JSON.stringify(config, (_, v) => (typeof v === 'function' ? `${(v as Schedule).className}(...)` : v));

async function values(vars: Variable[]): Promise<number[][]> {
  return Promise.all(vars.map(async (v) => Array.from(await v.data())));
}

/**
 * Runs the conformance suite for one optimizer configuration on every backend, on a small quadratic
 * over two variables:
 *
 * 1. `steps` steps of `minimize` follow the plain-JS `reference` (weights, and the slots it names), with
 *    the learning rate (or the schedule's value at each step) the config gives;
 * 2. `getConfig()` holds every option given and round-trips through JSON and `getOptimizer` (and
 *    `optimizerFromConfig`); the copy steps bit for bit like the original;
 * 3. assigning `learningRate` takes effect on the next step, and in `getConfig()`;
 * 4. `getState()` / `setState()` round-trip: 2 steps, save, a new optimizer from the config, restore,
 *    1 step equals 3 straight steps bit for bit (and without the state it differs, when there are slots);
 *    saved slots name only the class's `slotNames`, and the restored optimizer does not alias the
 *    saved arrays;
 * 5. no tensor leaks across steps, and `dispose()` frees every slot.
 *
 * @example
 * ```ts
 * import { SGD } from '@neurite/optimizers';
 * import { describeOptimizer } from '../test/describe_optimizer.js';
 *
 * await describeOptimizer(SGD, {
 *   config: { learningRate: 0.1 },
 *   reference: { init: () => ({}), step: (w, g, lr) => w.map((wi, i) => wi - lr * g[i]) },
 * });
 * ```
 */
export async function describeOptimizer<S>(cls: KitClass, spec: OptimizerKitSpec<S>): Promise<void> {
  for (const key of ['clipValue', 'clipNorm', 'globalClipNorm']) {
    if (key in spec.config) {
      throw new Error(`describeOptimizer(${cls.className}): the reference does not model ${key}; test clipping apart.`);
    }
  }
  const title = `${cls.className} ${spec.title ?? configText(spec.config)} (describeOptimizer)`;
  const steps = spec.steps ?? 3;
  const scale = spec.tolerance ?? 1;
  const make = () => new cls(spec.config as OptimizerConfig);
  const configured = spec.config.learningRate ?? new cls().getConfig().learningRate;
  if (typeof configured !== 'number' && typeof configured !== 'function') {
    throw new Error(`describeOptimizer(${cls.className}): learningRate must be a number or a schedule.`);
  }
  /** The rate of step t (1-based): iterations is t - 1 when it is taken. */
  const lrAt = (t: number) => (typeof configured === 'function' ? (configured as Schedule)(t - 1) : configured);

  /** The reference's weights and states after steps with the given rates. */
  const simulate = (rates: number[]) => {
    const ws = START.map((w) => [...w]);
    const states = ws.map((w) => spec.reference.init([...w]));
    const history: number[][][] = [];
    rates.forEach((lr, i) => {
      for (let k = 0; k < ws.length; k++) ws[k] = spec.reference.step(ws[k], gradient(ws[k], k), lr, i + 1, states[k]);
      history.push(ws.map((w) => [...w]));
    });
    return { history, states };
  };

  await describeBackends(title, (backend) => {
    const prefix = `${cls.className}_kit_${backend}`;

    it(`follows the reference update rule for ${steps} steps of a quadratic`, async () => {
      const p = problem(prefix);
      const opt = make();
      const rates = Array.from({ length: steps }, (_, i) => lrAt(i + 1));
      const { history, states } = simulate(rates);
      for (let t = 0; t < steps; t++) {
        expect(opt.currentLearningRate(), `learning rate of step ${t + 1}`).toBe(rates[t]);
        opt.minimize(p.loss, { varList: p.vars });
        const got = await values(p.vars);
        got.forEach((w, k) => {
          expectClose(w, history[t][k], backend, scale);
        });
      }
      expect(opt.iterations).toBe(steps);
      if (spec.reference.slots) {
        const state = await opt.getState();
        p.vars.forEach((v, k) => {
          const expected = spec.reference.slots?.(states[k]) ?? {};
          const got = state.slots[v.name] ?? {};
          expect(Object.keys(got).sort(), `slots of '${v.name}'`).toEqual(Object.keys(expected).sort());
          for (const [slot, want] of Object.entries(expected)) expectClose(got[slot].values, want, backend, scale);
        });
      }
      opt.dispose();
      p.dispose();
    });

    it('getConfig round-trips through JSON, getOptimizer and optimizerFromConfig; the copy steps the same', async () => {
      const opt = make();
      const config = opt.getConfig();
      for (const [key, value] of Object.entries(spec.config)) {
        if (typeof value === 'function') {
          const schedule = value as Schedule;
          expect(config[key]).toEqual({ className: schedule.className, config: schedule.config });
        } else {
          expect(config[key], `getConfig().${key}`).toEqual(value);
        }
      }
      const json = JSON.parse(JSON.stringify({ className: cls.className, config }));
      const copies = [getOptimizer(json), optimizerFromConfig(json)];
      const runs = [opt, ...copies].map(() => problem(prefix));
      for (const copy of copies) {
        expect(copy.constructor).toBe(cls);
        expect(copy.getConfig()).toEqual(config);
      }
      const all = [opt, ...copies];
      for (let t = 0; t < 2; t++) {
        all.forEach((o, i) => {
          o.minimize(runs[i].loss, { varList: runs[i].vars });
        });
      }
      const original = await values(runs[0].vars);
      for (let i = 1; i < runs.length; i++) expect(await values(runs[i].vars)).toEqual(original);
      all.forEach((o) => {
        o.dispose();
      });
      runs.forEach((r) => {
        r.dispose();
      });
    });

    it('a new learning rate takes effect on the next step', async () => {
      const p = problem(prefix);
      const opt = make();
      const first = lrAt(1);
      const changed = 3 * (first || 0.01);
      const { history } = simulate([first, changed]);
      opt.minimize(p.loss, { varList: p.vars });
      opt.learningRate = changed;
      expect(opt.currentLearningRate()).toBe(changed);
      expect(opt.getConfig().learningRate).toBe(changed);
      opt.minimize(p.loss, { varList: p.vars });
      (await values(p.vars)).forEach((w, k) => {
        expectClose(w, history[1][k], backend, scale);
      });
      opt.dispose();
      p.dispose();
    });

    it('getState/setState: 2 steps + save + a new optimizer + restore + 1 step == 3 steps, bit for bit', async () => {
      const straight = problem(prefix);
      const opt = make();
      for (let t = 0; t < 3; t++) opt.minimize(straight.loss, { varList: straight.vars });

      const resumed = problem(prefix);
      const first = make();
      for (let t = 0; t < 2; t++) first.minimize(resumed.loss, { varList: resumed.vars });
      const saved = await first.getState();
      first.dispose();
      expect(saved.className).toBe(cls.className);
      expect(saved.iterations).toBe(2);
      for (const slots of Object.values(saved.slots)) {
        for (const slot of Object.keys(slots)) expect(cls.slotNames).toContain(slot);
      }
      const json = JSON.parse(JSON.stringify({ className: cls.className, config: opt.getConfig() }));
      const second = new cls(json.config); // the class under test, from its JSON config
      second.setState(saved);
      // setState copies: what the caller does with its arrays afterwards changes nothing.
      for (const slots of Object.values(saved.slots)) for (const s of Object.values(slots)) s.values.fill(Number.NaN);
      expect(second.iterations).toBe(2);
      second.minimize(resumed.loss, { varList: resumed.vars });
      expect(second.iterations).toBe(3);
      const want = await values(straight.vars);
      expect(await values(resumed.vars)).toEqual(want);

      if (Object.keys(saved.slots).length > 0) {
        // Without the state the third step differs: the check above can fail.
        const fresh = problem(prefix);
        const [a, b] = [make(), make()];
        for (let t = 0; t < 2; t++) a.minimize(fresh.loss, { varList: fresh.vars });
        b.minimize(fresh.loss, { varList: fresh.vars });
        expect(await values(fresh.vars)).not.toEqual(want);
        a.dispose();
        b.dispose();
        fresh.dispose();
      }
      opt.dispose();
      second.dispose();
      straight.dispose();
      resumed.dispose();
    });

    it('leaks no tensors across steps, and dispose() frees the slots', async () => {
      const p = problem(prefix);
      const before = liveTensors();
      const opt: Optimizer = make();
      opt.minimize(p.loss, { varList: p.vars }); // creates the slots
      const afterFirst = liveTensors();
      for (let t = 0; t < 3; t++) {
        const cost = opt.minimize(p.loss, { varList: p.vars, returnCost: true }) as Tensor | null;
        cost?.dispose();
        expect(liveTensors(), `live tensors after step ${t + 2}`).toEqual(afterFirst);
      }
      opt.dispose();
      const after = liveTensors();
      expect(after.tensors).toBe(before.tensors);
      expect(after.dataIds).toBe(before.dataIds);
      p.dispose();
    });
  });
}
