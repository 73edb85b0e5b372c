import type { Tensor, Variable } from '@neurite/core';
import { inRange, nonNegative } from './internal/validate.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

export interface AdamOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: NonNullable<OptimizerOptions['learningRate']>;
  /** Decay of the first moment, in [0, 1); default 0.9. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1); default 0.999. */
  beta2?: number;
  /** Added to the denominator; default 1e-7 (Keras). */
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba, algorithm 1), with Keras's defaults. At step t = iterations + 1:
 * `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
 * `w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + epsilon)`. Slots: 'momentum' (m), 'velocity' (v).
 * Keras folds the bias corrections into the learning rate instead, which scales epsilon by
 * `sqrt(1 - b2^t)`; the two agree whenever epsilon is small next to sqrt(v).
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { Adam } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * const opt = new Adam({ learningRate: 0.1 });
 * opt.minimize(() => w.square().sum());
 * // Adam's first step is lr * sign(g).
 * console.log(Array.from(await w.data())); // about [ 0.9, -1.9 ]
 * opt.dispose();
 * ```
 */
export class Adam extends Optimizer {
  static override className = 'Adam';
  static override slotNames: readonly string[] = ['momentum', 'velocity'];
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamOptions = {}) {
    super(options, 0.001);
    const range = { lo: 0, hi: 1, hiOpen: true };
    this.beta1 = inRange(this.name, 'beta1', options.beta1 ?? 0.9, range, 'Use a value such as 0.9 (the default).');
    this.beta2 = inRange(this.name, 'beta2', options.beta2 ?? 0.999, range, 'Use a value such as 0.999 (the default).');
    this.epsilon = nonNegative(this.name, 'epsilon', options.epsilon ?? 1e-7, 'Use a small value such as 1e-7.');
  }

  /** Updates the moments and returns the step direction `mHat / (sqrt(vHat) + epsilon)`. */
  protected direction(w: Variable, g: Tensor, step: number): Tensor {
    const m = this.slot(w, 'momentum');
    const v = this.slot(w, 'velocity');
    const newM = m.mul(this.beta1).add(g.mul(1 - this.beta1));
    const newV = v.mul(this.beta2).add(g.square().mul(1 - this.beta2));
    m.assign(newM);
    v.assign(newV);
    const mHat = newM.div(1 - this.beta1 ** step);
    const vHat = newV.div(1 - this.beta2 ** step);
    return mHat.div(vHat.sqrt().add(this.epsilon));
  }

  protected override updateVariable(w: Variable, g: Tensor, lr: number, step: number): void {
    w.assign(w.sub(this.direction(w, g, step).mul(lr)));
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * Creates an {@link Adam} optimizer.
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { adam } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * const opt = adam({ learningRate: 0.01 });
 * for (let i = 0; i < 100; i++) opt.minimize(() => w.square().sum());
 * console.log(opt.iterations, Array.from(await w.data())); // 100 [ 0.224..., -1.098... ]
 * opt.dispose();
 * ```
 */
export function adam(options: AdamOptions = {}): Adam {
  return new Adam(options);
}
