import { exp, NeuriteError, relu, type Tensor } from '@neurite/core';
import { show } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig } from './layer.js';

export interface ELUConfig extends LayerConfig {
  /** The scale of the negative part (default 1). */
  alpha?: number;
}

/**
 * The exponential linear unit: f(x) = x for x > 0, alpha * (e^x - 1) otherwise (alpha default 1).
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { ELU } from '@neurite/layers';
 * await useBackend('cpu');
 * const y = new ELU({ alpha: 2 }).apply(tensor([[-1, 3]]));
 * console.log(Array.from(await y.data()).map((v) => v.toFixed(4))); // [ '-1.2642', '3.0000' ]
 * ```
 */
export class ELU extends Layer<ELUConfig> {
  static override className = 'ELU';
  private readonly alpha: number;

  constructor(config: ELUConfig = {}) {
    super(config);
    const alpha = config.alpha ?? 1;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
      throw new NeuriteError(
        `ELU: alpha must be a finite number, e.g. 1. Received: alpha=${typeof alpha === 'number' ? String(alpha) : show(alpha)}.`,
      );
    }
    this.alpha = alpha;
  }

  // tfjs's elu() has alpha fixed at 1; relu(x) + alpha * (e^min(x, 0) - 1) is ELU for any alpha, and
  // differentiates on every backend.
  override call(x: Tensor, _options: CallOptions): Tensor {
    return relu(x).add(exp(x.minimum(0)).sub(1).mul(this.alpha));
  }
}
