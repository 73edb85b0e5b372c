import { NeuriteError, randomNormal, type Tensor } from '@neurite/core';
import { show } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig } from './layer.js';

export interface GaussianNoiseConfig extends LayerConfig {
  /** Standard deviation of the noise added in training (non-negative). */
  stddev: number;
}

/**
 * In training, adds noise drawn from a normal distribution with mean 0 and standard deviation
 * `stddev`; at inference it is the identity. The noise follows @neurite/core's setSeed().
 *
 * @example
 * ```ts
 * import { setSeed, useBackend, zeros } from '@neurite/core';
 * import { GaussianNoise } from '@neurite/layers';
 * await useBackend('cpu');
 * setSeed(0);
 * const noise = new GaussianNoise({ stddev: 0.1 });
 * console.log(await noise.apply(zeros([1, 3]), { training: true }).data()); // e.g. [0.103, -0.188, -0.060]
 * console.log(await noise.apply(zeros([1, 3])).data()); // [0, 0, 0]
 * ```
 */
export class GaussianNoise extends Layer<GaussianNoiseConfig> {
  static override className = 'GaussianNoise';

  constructor(config: GaussianNoiseConfig) {
    super(config);
    const s = config?.stddev;
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) {
      throw new NeuriteError(
        `GaussianNoise: stddev must be a non-negative number, e.g. 0.1. Received: stddev=${typeof s === 'number' ? String(s) : show(s)}.`,
      );
    }
  }

  override call(x: Tensor, { training }: CallOptions): Tensor {
    if (!training || this.config.stddev === 0) return x.clone();
    return x.add(randomNormal(x.shape, 0, this.config.stddev));
  }
}
