import type { Tensor, Variable } from '@neurite/core';
import { nonNegative } from './internal/validate.js';
import { Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizer.js';

export interface AdagradOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: NonNullable<OptimizerOptions['learningRate']>;
  /** The accumulator's starting value; default 0.1. */
  initialAccumulatorValue?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/**
 * Adagrad with Keras's defaults: `acc += g^2`, `w -= lr g / (sqrt(acc) + epsilon)`, acc starting at
 * initialAccumulatorValue. Slot: 'accumulator'. Keras puts epsilon inside the square root instead.
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { Adagrad } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * const opt = new Adagrad({ learningRate: 0.1, initialAccumulatorValue: 0 });
 * opt.minimize(() => w.square().sum());
 * // The first step is lr * sign(g).
 * console.log(Array.from(await w.data())); // about [ 0.9, -1.9 ]
 * opt.dispose();
 * ```
 */
export class Adagrad extends Optimizer {
  static override className = 'Adagrad';
  static override slotNames: readonly string[] = ['accumulator'];
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super(options, 0.001);
    const fix = 'Use a value such as 0.1 (the default).';
    this.initialAccumulatorValue = nonNegative(
      this.name,
      'initialAccumulatorValue',
      options.initialAccumulatorValue ?? 0.1,
      fix,
    );
    this.epsilon = nonNegative(this.name, 'epsilon', options.epsilon ?? 1e-7, 'Use a small value such as 1e-7.');
  }

  protected override updateVariable(w: Variable, g: Tensor, lr: number): void {
    const acc = this.slot(w, 'accumulator', this.initialAccumulatorValue);
    const newAcc = acc.add(g.square());
    acc.assign(newAcc);
    w.assign(w.sub(g.mul(lr).div(newAcc.sqrt().add(this.epsilon))));
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

/**
 * Creates an {@link Adagrad} optimizer.
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { adagrad } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * const opt = adagrad({ learningRate: 0.1 });
 * opt.minimize(() => w.square().sum());
 * console.log(opt.iterations, opt.currentLearningRate()); // 1 0.1
 * opt.dispose();
 * ```
 */
export function adagrad(options: AdagradOptions = {}): Adagrad {
  return new Adagrad(options);
}
