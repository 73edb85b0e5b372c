import type { Tensor, Variable } from '@neurite/core';
import { Adam, type AdamOptions } from './adam.js';
import { nonNegative } from './internal/validate.js';
import type { OptimizerConfig } from './optimizer.js';

export interface AdamWOptions extends AdamOptions {
  /** Decoupled weight decay; default 0.004 (Keras). */
  weightDecay?: number;
}

/**
 * AdamW (Loshchilov & Hutter): Adam plus decoupled weight decay scaled by the learning rate, as Keras
 * and PyTorch do: `w -= lr * (mHat / (sqrt(vHat) + epsilon) + weightDecay * w)`, with w the weight before
 * this step. The decay does not go through the moments. Defaults as {@link Adam}, weightDecay 0.004.
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { AdamW } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.5 });
 * opt.applyGradients([{ variable: w, grad: tensor([0, 0]) }]);
 * // Decay only, w -= 0.1 * 0.5 * w.
 * console.log(Array.from(await w.data())); // [ 0.95, -1.9 ]
 * opt.dispose();
 * ```
 */
export class AdamW extends Adam {
  static override className = 'AdamW';
  readonly weightDecay: number;

  constructor(options: AdamWOptions = {}) {
    super(options);
    const fix = 'Use a small value such as 0.004 (the default), or 0 for plain Adam.';
    this.weightDecay = nonNegative(this.name, 'weightDecay', options.weightDecay ?? 0.004, fix);
  }

  protected override updateVariable(w: Variable, g: Tensor, lr: number, step: number): void {
    w.assign(w.sub(this.direction(w, g, step).add(w.mul(this.weightDecay)).mul(lr)));
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

/**
 * Creates an {@link AdamW} optimizer.
 *
 * @example
 * ```ts
 * import { useBackend, variable, tensor } from '@neurite/core';
 * import { adamw } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const w = variable(tensor([1, -2]));
 * const opt = adamw({ learningRate: 0.01, weightDecay: 0.01 });
 * opt.minimize(() => w.square().sum());
 * console.log(opt.getConfig().weightDecay); // 0.01
 * opt.dispose();
 * ```
 */
export function adamw(options: AdamWOptions = {}): AdamW {
  return new AdamW(options);
}
