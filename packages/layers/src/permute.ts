import { NeuriteError, type Tensor } from '@neurite/core';
import { show } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface PermuteConfig extends LayerConfig {
  /** The new order of the axes after the batch, 1-based as Keras: [2, 1] swaps the two axes of a sample. */
  dims: number[];
}

/**
 * Reorders the axes of each sample (the batch axis stays first): output axis i + 1 is input axis
 * `dims[i]`, with axes counted from 1 as Keras does.
 *
 * @example
 * ```ts
 * import { useBackend, zeros } from '@neurite/core';
 * import { Permute } from '@neurite/layers';
 * await useBackend('cpu');
 * console.log(new Permute({ dims: [2, 1] }).apply(zeros([8, 10, 64])).shape); // [8, 64, 10]
 * ```
 */
export class Permute extends Layer<PermuteConfig> {
  static override className = 'Permute';
  protected override inputRank: { rank: number; description: string };

  constructor(config: PermuteConfig) {
    super(config);
    const dims = config?.dims;
    const ok = Array.isArray(dims) && dims.length > 0 && [...dims].sort((a, b) => a - b).every((d, i) => d === i + 1);
    if (!ok) {
      throw new NeuriteError(
        'Permute: dims must list each axis after the batch exactly once, counting from 1, e.g. [2, 1] or [3, 1, 2]. ' +
          `Received: dims=${show(dims)}.`,
      );
    }
    this.inputRank = { rank: dims.length + 1, description: `[batch, ${dims.map((_, i) => `d${i + 1}`).join(', ')}]` };
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    return x.transpose([0, ...this.config.dims]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], ...this.config.dims.map((d) => inputShape[d])];
  }
}
