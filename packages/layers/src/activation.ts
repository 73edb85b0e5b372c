import type { Tensor } from '@neurite/core';
import { type ActivationName, getActivation } from './activations.js';
import { type CallOptions, Layer, type LayerConfig } from './layer.js';

export interface ActivationConfig extends LayerConfig {
  activation: ActivationName;
  /** leakyRelu's slope for negative inputs (default 0.2). */
  alpha?: number;
}

/**
 * Applies an activation function as a layer of its own.
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { Activation } from '@neurite/layers';
 * await useBackend('cpu');
 * const layer = new Activation({ activation: 'leakyRelu', alpha: 0.1 });
 * console.log(await layer.apply(tensor([[-1, 2]])).data()); // [-0.1, 2]
 * ```
 */
export class Activation extends Layer<ActivationConfig> {
  static override className = 'Activation';

  constructor(config: ActivationConfig) {
    super(config);
    getActivation(config?.activation ?? null, { alpha: config?.alpha });
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    return getActivation(this.config.activation, { alpha: this.config.alpha })(x);
  }
}
