import { dropout, type Tensor } from '@neurite/core';
import { inRange } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig } from './layer.js';

export interface DropoutConfig extends LayerConfig {
  /** Fraction of inputs zeroed in training, in [0, 1). */
  rate: number;
}

/**
 * In training, zeroes a random fraction `rate` of its inputs and scales the rest by 1 / (1 - rate);
 * at inference it is the identity. The mask follows @neurite/core's setSeed().
 *
 * @example
 * ```ts
 * import { useBackend, ones, setSeed } from '@neurite/core';
 * import { Dropout } from '@neurite/layers';
 * await useBackend('cpu');
 * setSeed(0);
 * const d = new Dropout({ rate: 0.5 });
 * console.log(await d.apply(ones([1, 6]), { training: true }).data()); // e.g. [2, 0, 2, 2, 0, 0]
 * console.log(await d.apply(ones([1, 6])).data()); // [1, 1, 1, 1, 1, 1]
 * ```
 */
export class Dropout extends Layer<DropoutConfig> {
  static override className = 'Dropout';

  constructor(config: DropoutConfig) {
    super(config);
    inRange('Dropout', 'rate', config?.rate, 0, 1);
  }

  override call(x: Tensor, { training }: CallOptions): Tensor {
    if (!training || this.config.rate === 0) return x.clone();
    return dropout(x, this.config.rate);
  }
}
