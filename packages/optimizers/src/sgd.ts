import type { Tensor, Variable } from '@neurite/core';
import { bool, inRange } from './internal/validate.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

export interface SGDOptions extends OptimizerOptions {
  /** Default 0.01. */
  learningRate?: NonNullable<OptimizerOptions['learningRate']>;
  /** In [0, 1]; default 0 (plain gradient descent, no slot). */
  momentum?: number;
  /** Nesterov momentum; default false. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, as Keras: plain `w -= lr * g`; with momentum, `v = momentum * v - lr * g`
 * then `w += v`, or with nesterov `w += momentum * v - lr * g` (using the new v). Slot: 'momentum'.
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { SGD } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
 * for (let i = 0; i < 3; i++) opt.minimize(() => w.square().sum());
 * console.log(Array.from(await w.data())); // about [ 0.062, -0.124 ]
 * opt.dispose();
 * ```
 */
export class SGD extends Optimizer {
  static override className = 'SGD';
  static override slotNames: readonly string[] = ['momentum'];
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super(options, 0.01);
    const fix = 'Use a value such as 0.9, or 0 for no momentum.';
    this.momentum = inRange(this.name, 'momentum', options.momentum ?? 0, { lo: 0, hi: 1, hiOpen: false }, fix);
    this.nesterov = bool(this.name, 'nesterov', options.nesterov ?? false);
  }

  protected override updateVariable(w: Variable, g: Tensor, lr: number): void {
    if (this.momentum === 0) {
      w.assign(w.sub(g.mul(lr)));
      return;
    }
    const m = this.slot(w, 'momentum');
    const v = m.mul(this.momentum).sub(g.mul(lr));
    m.assign(v);
    w.assign(this.nesterov ? w.add(v.mul(this.momentum).sub(g.mul(lr))) : w.add(v));
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}

/**
 * Creates an {@link SGD} optimizer.
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { sgd } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * sgd({ learningRate: 0.1 }).minimize(() => w.square().sum());
 * console.log(Array.from(await w.data())); // [ 0.8, -1.6 ]
 * ```
 */
export function sgd(options: SGDOptions = {}): SGD {
  return new SGD(options);
}
