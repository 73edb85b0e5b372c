import { moments, type Tensor, tidy } from '@neurite/core';
import type { InitializerSpec } from './initializers.js';
import { inRange } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface BatchNormalizationConfig extends LayerConfig {
  /** Weight of the old moving statistics in each update (default 0.99). */
  momentum?: number;
  /** Added to the variance before the square root (default 0.001). */
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
  gammaInitializer?: InitializerSpec;
  betaInitializer?: InitializerSpec;
}

/**
 * Normalises each channel (the last axis). In training it uses the batch's mean and variance and
 * updates the moving statistics; at inference it uses the moving statistics and changes nothing.
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { BatchNormalization } from '@neurite/layers';
 * await useBackend('cpu');
 * const bn = new BatchNormalization({ momentum: 0.5 });
 * const y = bn.apply(tensor([[1], [3]]), { training: true });
 * console.log(await y.data(), await bn.weight('movingMean').data()); // about [-1, 1] [1]
 * ```
 */
export class BatchNormalization extends Layer<BatchNormalizationConfig> {
  static override className = 'BatchNormalization';
  protected override inputRank = { min: 2, description: '[batch, ..., channels]' };

  constructor(config: BatchNormalizationConfig = {}) {
    super(config);
    inRange('BatchNormalization', 'momentum', config.momentum ?? 0.99, 0, 1, false);
    inRange('BatchNormalization', 'epsilon', config.epsilon ?? 1e-3, Number.MIN_VALUE, Number.POSITIVE_INFINITY);
  }

  override build(inputShape: Shape): void {
    const c = inputShape[inputShape.length - 1] as number;
    if (this.config.scale ?? true) {
      this.addWeight({ name: 'gamma', shape: [c], initializer: this.config.gammaInitializer ?? 'ones' });
    }
    if (this.config.center ?? true) {
      this.addWeight({ name: 'beta', shape: [c], initializer: this.config.betaInitializer ?? 'zeros' });
    }
    this.addWeight({ name: 'movingMean', shape: [c], initializer: 'zeros', trainable: false });
    this.addWeight({ name: 'movingVariance', shape: [c], initializer: 'ones', trainable: false });
  }

  override call(x: Tensor, { training }: CallOptions): Tensor {
    const eps = this.config.epsilon ?? 1e-3;
    let mean: Tensor = this.weight('movingMean');
    let variance: Tensor = this.weight('movingVariance');
    if (training) {
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const m = moments(x, axes);
      mean = m.mean;
      variance = m.variance;
      const momentum = this.config.momentum ?? 0.99;
      const movingMean = this.weight('movingMean');
      const movingVariance = this.weight('movingVariance');
      // The moving statistics are state, not a function of the weights: keep them off the gradient tape.
      tidy(() => {
        movingMean.assign(movingMean.mul(momentum).add(m.mean.mul(1 - momentum)));
        movingVariance.assign(movingVariance.mul(momentum).add(m.variance.mul(1 - momentum)));
      });
    }
    let y = x.sub(mean).div(variance.add(eps).sqrt());
    if (this.config.scale ?? true) y = y.mul(this.weight('gamma'));
    if (this.config.center ?? true) y = y.add(this.weight('beta'));
    return y;
  }
}
