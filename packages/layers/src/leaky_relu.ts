import { leakyRelu, NeuriteError, type Tensor } from '@neurite/core';
import { show } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig } from './layer.js';

export interface LeakyReLUConfig extends LayerConfig {
  /** The slope for negative inputs (default 0.3, as Keras). */
  alpha?: number;
}

/**
 * Leaky ReLU as a layer: f(x) = x for x >= 0, alpha * x otherwise (alpha default 0.3, Keras's; the
 * `leakyRelu` activation's default is 0.2).
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { LeakyReLU } from '@neurite/layers';
 * await useBackend('cpu');
 * console.log(Array.from(await new LeakyReLU().apply(tensor([[-10, 2]])).data())); // [ -3, 2 ]
 * ```
 */
export class LeakyReLU extends Layer<LeakyReLUConfig> {
  static override className = 'LeakyReLU';
  private readonly alpha: number;

  constructor(config: LeakyReLUConfig = {}) {
    super(config);
    const alpha = config.alpha ?? 0.3;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
      throw new NeuriteError(
        `LeakyReLU: alpha must be a finite number, e.g. 0.3. Received: alpha=${typeof alpha === 'number' ? String(alpha) : show(alpha)}.`,
      );
    }
    this.alpha = alpha;
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    return leakyRelu(x, this.alpha);
  }
}
