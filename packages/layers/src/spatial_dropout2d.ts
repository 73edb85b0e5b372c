import { dropout, type Tensor } from '@neurite/core';
import { inRange } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig } from './layer.js';

export interface SpatialDropout2DConfig extends LayerConfig {
  /** Fraction of channels zeroed in training, in [0, 1). */
  rate: number;
}

/**
 * Dropout of whole channels: in training, each sample's channels (the last axis of
 * `[batch, height, width, channels]`) are zeroed with probability `rate` and the rest scaled by
 * 1 / (1 - rate); at inference it is the identity. Neighbouring pixels are correlated, so dropping
 * single values (Dropout) regularizes conv features little. The mask follows @neurite/core's setSeed().
 *
 * @example
 * ```ts
 * import { useBackend, ones, setSeed } from '@neurite/core';
 * import { SpatialDropout2D } from '@neurite/layers';
 * await useBackend('cpu');
 * setSeed(0);
 * const y = new SpatialDropout2D({ rate: 0.5 }).apply(ones([1, 2, 2, 3]), { training: true });
 * // Channels 0 and 1 are dropped at all four pixels; channel 2 is kept and scaled by 1 / (1 - 0.5).
 * console.log(await y.data()); // [0, 0, 2, 0, 0, 2, 0, 0, 2, 0, 0, 2]
 * ```
 */
export class SpatialDropout2D extends Layer<SpatialDropout2DConfig> {
  static override className = 'SpatialDropout2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };

  constructor(config: SpatialDropout2DConfig) {
    super(config);
    inRange('SpatialDropout2D', 'rate', config?.rate, 0, 1);
  }

  override call(x: Tensor, { training }: CallOptions): Tensor {
    if (!training || this.config.rate === 0) return x.clone();
    const [b, , , c] = x.shape as number[];
    // One draw per (sample, channel), broadcast over height and width (Keras's noise_shape).
    return dropout(x, this.config.rate, [b, 1, 1, c]);
  }
}
