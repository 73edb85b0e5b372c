import type { Tensor, Variable } from '@neurite/core';
import { bool, inRange, nonNegative } from './internal/validate.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

export interface RMSpropOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: NonNullable<OptimizerOptions['learningRate']>;
  /** Decay of the squared-gradient average, in [0, 1); default 0.9. */
  rho?: number;
  /** In [0, 1]; default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Divide by an estimate of the gradient's variance instead of its second moment; default false. */
  centered?: boolean;
}

/**
 * RMSprop with Keras's defaults: `v = rho v + (1 - rho) g^2`, `w -= lr g / (sqrt(v) + epsilon)`.
 * Centered: `a = rho a + (1 - rho) g` and the denominator is `sqrt(max(v - a^2, 0)) + epsilon`.
 * Momentum > 0: `mom = momentum * mom + lr g / (...)`, `w -= mom`. Slots: 'velocity', 'averageGradient'
 * (centered), 'momentum' (momentum > 0). Keras puts epsilon inside the square root instead.
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { RMSprop } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * const opt = new RMSprop({ learningRate: 0.01, centered: true, momentum: 0.5 });
 * opt.minimize(() => w.square().sum());
 * console.log(Object.keys((await opt.getState()).slots[w.name])); // [ 'velocity', 'averageGradient', 'momentum' ]
 * opt.dispose();
 * ```
 */
export class RMSprop extends Optimizer {
  static override className = 'RMSprop';
  static override slotNames: readonly string[] = ['velocity', 'averageGradient', 'momentum'];
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    super(options, 0.001);
    const rhoRange = { lo: 0, hi: 1, hiOpen: true };
    this.rho = inRange(this.name, 'rho', options.rho ?? 0.9, rhoRange, 'Use a value such as 0.9 (the default).');
    const fix = 'Use a value such as 0.9, or 0 for no momentum.';
    this.momentum = inRange(this.name, 'momentum', options.momentum ?? 0, { lo: 0, hi: 1, hiOpen: false }, fix);
    this.epsilon = nonNegative(this.name, 'epsilon', options.epsilon ?? 1e-7, 'Use a small value such as 1e-7.');
    this.centered = bool(this.name, 'centered', options.centered ?? false);
  }

  protected override updateVariable(w: Variable, g: Tensor, lr: number): void {
    const v = this.slot(w, 'velocity');
    const newV = v.mul(this.rho).add(g.square().mul(1 - this.rho));
    v.assign(newV);
    let denominator = newV;
    if (this.centered) {
      const a = this.slot(w, 'averageGradient');
      const newA = a.mul(this.rho).add(g.mul(1 - this.rho));
      a.assign(newA);
      // v >= a^2 in exact arithmetic; rounding can make the difference slightly negative.
      denominator = newV.sub(newA.square()).relu();
    }
    const increment = g.mul(lr).div(denominator.sqrt().add(this.epsilon));
    if (this.momentum > 0) {
      const mom = this.slot(w, 'momentum');
      const newMom = mom.mul(this.momentum).add(increment);
      mom.assign(newMom);
      w.assign(w.sub(newMom));
    } else {
      w.assign(w.sub(increment));
    }
  }

  override getConfig(): OptimizerConfig {
    const { rho, momentum, epsilon, centered } = this;
    return { ...super.getConfig(), rho, momentum, epsilon, centered };
  }
}

/**
 * Creates an {@link RMSprop} optimizer.
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { rmsprop } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * const opt = rmsprop({ learningRate: 0.01 });
 * opt.minimize(() => w.square().sum());
 * // Lr * g / sqrt(0.1 g^2).
 * console.log(Array.from(await w.data())); // about [ 0.968, -1.968 ]
 * opt.dispose();
 * ```
 */
export function rmsprop(options: RMSpropOptions = {}): RMSprop {
  return new RMSprop(options);
}
