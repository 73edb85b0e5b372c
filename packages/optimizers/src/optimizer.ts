import {
  dispose,
  fill,
  NeuriteError,
  type Scalar,
  type Tensor,
  tidy,
  type Variable,
  variable,
  variableGrads,
} from '@neurite/core';
import { type ClipOptions, checkClipOptions, clipGradients } from './internal/clip.js';
import { type Gradients, gradientPairs } from './internal/gradients.js';
import { resolveLearningRate } from './internal/learning_rate.js';
import { checkState, type OptimizerState, readSlots, type Slots, writeSlots } from './internal/state.js';
import { show } from './internal/validate.js';
import type { Schedule, ScheduleConfig } from './schedules.js';

export type { GradientPair, Gradients } from './internal/gradients.js';
export type { OptimizerState, SlotState } from './internal/state.js';

/** Options every optimizer takes. */
export interface OptimizerOptions extends ClipOptions {
  /** A number, a schedule evaluated at `iterations`, or a schedule's `{ className, config }`. */
  learningRate?: number | Schedule | ScheduleConfig;
}

/** `getConfig()`'s JSON: the options, with a schedule as `{ className, config }`. */
export interface OptimizerConfig extends ClipOptions {
  learningRate: number | ScheduleConfig;
  [key: string]: unknown;
}

/**
 * The base of every optimizer: learning rate or schedule, clipping, lazily created slot variables, and
 * state save/restore. A subclass implements `updateVariable`, which runs inside one tidy() per step.
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { sgd } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * const opt = sgd({ learningRate: 0.1, clipNorm: 1 });
 * opt.minimize(() => w.square().sum());
 * console.log(opt.iterations, Array.from(await w.data())); // 1 [ 0.955..., -1.910... ]
 * ```
 */
export abstract class Optimizer {
  static className = 'Optimizer';
  /** The slots a subclass may create, by name: what a saved state may hold. */
  static slotNames: readonly string[] = [];
  /** Steps applied so far; schedules are evaluated at this value, Adam's bias correction at `iterations + 1`. */
  iterations = 0;
  #learningRate: number | Schedule;
  readonly clipValue?: number;
  readonly clipNorm?: number;
  readonly globalClipNorm?: number;
  private slots: Slots = new Map();

  constructor(options: OptimizerOptions | undefined, defaultLearningRate: number) {
    const o = options ?? {};
    this.#learningRate = resolveLearningRate(this.name, o.learningRate ?? defaultLearningRate);
    const clip = checkClipOptions(this.name, o);
    this.clipValue = clip.clipValue;
    this.clipNorm = clip.clipNorm;
    this.globalClipNorm = clip.globalClipNorm;
  }

  /** The class's serialized name, e.g. 'Adam'. */
  protected get name(): string {
    return (this.constructor as typeof Optimizer).className;
  }

  /** The learning rate or schedule. Assignable (e.g. by a callback), and validated as in the constructor. */
  get learningRate(): number | Schedule {
    return this.#learningRate;
  }
  set learningRate(value: number | Schedule | ScheduleConfig) {
    this.#learningRate = resolveLearningRate(this.name, value);
  }

  /** The learning rate the next step will use. */
  currentLearningRate(): number {
    const lr = this.learningRate;
    return typeof lr === 'function' ? lr(this.iterations) : lr;
  }

  /** Applies one step of updates. Does not dispose `grads`. Null gradients are skipped. */
  applyGradients(grads: Gradients): void {
    const pairs = gradientPairs(this.name, grads);
    const lr = this.currentLearningRate();
    const step = this.iterations + 1;
    const raw = pairs.map((p) => p.grad);
    tidy(() => {
      const clipped = clipGradients(raw, this);
      for (let i = 0; i < pairs.length; i++) this.updateVariable(pairs[i].variable, clipped[i], lr, step);
    });
    this.iterations++;
  }

  /** One step on the gradients of the scalar loss `f` with respect to `varList` (default: all trainable variables). */
  minimize(f: () => Scalar, options: { varList?: Variable[]; returnCost?: boolean } = {}): Scalar | null {
    const { value, grads } = variableGrads(f, options.varList);
    try {
      this.applyGradients(grads);
    } finally {
      dispose(Object.values(grads));
    }
    if (options.returnCost) return value;
    value.dispose();
    return null;
  }

  /** The options as JSON; `optimizerFromConfig({ className, config })` rebuilds the optimizer. */
  getConfig(): OptimizerConfig {
    const lr = this.learningRate;
    const config: OptimizerConfig = {
      learningRate: typeof lr === 'function' ? structuredClone({ className: lr.className, config: lr.config }) : lr,
    };
    if (this.clipValue !== undefined) config.clipValue = this.clipValue;
    if (this.clipNorm !== undefined) config.clipNorm = this.clipNorm;
    if (this.globalClipNorm !== undefined) config.globalClipNorm = this.globalClipNorm;
    return config;
  }

  /** The step count and a copy of every slot's values, read asynchronously (works on every backend). */
  async getState(): Promise<OptimizerState> {
    return { className: this.name, iterations: this.iterations, slots: await readSlots(this.slots) };
  }

  /** Replaces the step count and all slots with a copy of `state`, as saved by `getState()`. */
  setState(state: OptimizerState): void {
    checkState(this.name, state, (this.constructor as typeof Optimizer).slotNames);
    this.dispose();
    this.iterations = state.iterations;
    this.slots = writeSlots(state.slots);
  }

  /** Frees every slot variable. The optimizer stays usable: slots are created again on the next step. */
  dispose(): void {
    for (const byName of this.slots.values()) dispose([...byName.values()]);
    this.slots.clear();
  }

  /** Updates one variable (assign to it and to its slots). Runs inside the step's tidy(). */
  protected abstract updateVariable(variable: Variable, grad: Tensor, learningRate: number, step: number): void;

  /** The slot `name` of `v`, a non-trainable variable of v's shape filled with `initialValue` on first use. */
  protected slot(v: Variable, name: string, initialValue = 0): Variable {
    if (!(this.constructor as typeof Optimizer).slotNames.includes(name)) {
      throw new NeuriteError(`${this.name}: slot '${name}' is not in ${this.name}.slotNames. Declare it there.`);
    }
    const byName = this.slots.get(v.name) ?? new Map<string, Variable>();
    this.slots.set(v.name, byName);
    const s = byName.get(name) ?? variable(fill(v.shape, initialValue, 'float32'), false);
    byName.set(name, s);
    if (s.shape.join() !== v.shape.join()) {
      throw new NeuriteError(
        `${this.name}: slot '${name}' of variable '${v.name}' has shape ${show(s.shape)}, expected the variable's ` +
          `shape ${show(v.shape)}. The state was set from another model, or the name was reused: call dispose() first.`,
      );
    }
    return s;
  }
}
