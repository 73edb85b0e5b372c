import { moments, type Tensor } from '@neurite/core';
import type { InitializerSpec } from './initializers.js';
import { inRange } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface LayerNormalizationConfig extends LayerConfig {
  /** Added to the variance before the square root (default 0.001). */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  gammaInitializer?: InitializerSpec;
  betaInitializer?: InitializerSpec;
}

/**
 * Normalises each sample over its last axis, then scales and shifts per feature. It behaves the same
 * in training and at inference.
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { LayerNormalization } from '@neurite/layers';
 * await useBackend('cpu');
 * console.log(await new LayerNormalization().apply(tensor([[1, 3]])).data()); // about [-1, 1]
 * ```
 */
export class LayerNormalization extends Layer<LayerNormalizationConfig> {
  static override className = 'LayerNormalization';
  protected override inputRank = { min: 2, description: '[batch, ..., features]' };

  constructor(config: LayerNormalizationConfig = {}) {
    super(config);
    inRange('LayerNormalization', 'epsilon', config.epsilon ?? 1e-3, Number.MIN_VALUE, Number.POSITIVE_INFINITY);
  }

  override build(inputShape: Shape): void {
    const c = inputShape[inputShape.length - 1] as number;
    if (this.config.scale ?? true) {
      this.addWeight({ name: 'gamma', shape: [c], initializer: this.config.gammaInitializer ?? 'ones' });
    }
    if (this.config.center ?? true) {
      this.addWeight({ name: 'beta', shape: [c], initializer: this.config.betaInitializer ?? 'zeros' });
    }
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    const { mean, variance } = moments(x, -1, true);
    let y = x.sub(mean).div(variance.add(this.config.epsilon ?? 1e-3).sqrt());
    if (this.config.scale ?? true) y = y.mul(this.weight('gamma'));
    if (this.config.center ?? true) y = y.add(this.weight('beta'));
    return y;
  }
}
