import type { Tensor } from '@neurite/core';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface GlobalAveragePooling1DConfig extends LayerConfig {
  /** Keep the steps axis with size 1: `[batch, 1, channels]` (default false, as Keras). */
  keepdims?: boolean;
}

/**
 * Averages each channel over the steps of a sequence: `[batch, steps, channels]` to `[batch, channels]`.
 *
 * @example
 * ```ts
 * import { useBackend, tensor3d } from '@neurite/core';
 * import { GlobalAveragePooling1D } from '@neurite/layers';
 * await useBackend('cpu');
 * const x = tensor3d([1, 10, 2, 20, 6, 60], [1, 3, 2]);
 * console.log(Array.from(await new GlobalAveragePooling1D().apply(x).data())); // [ 3, 30 ]
 * ```
 */
export class GlobalAveragePooling1D extends Layer<GlobalAveragePooling1DConfig> {
  static override className = 'GlobalAveragePooling1D';
  protected override inputRank = { rank: 3, description: '[batch, steps, channels]' };

  override call(x: Tensor, _options: CallOptions): Tensor {
    return x.mean(1, this.config.keepdims ?? false);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this.config.keepdims ? [inputShape[0], 1, inputShape[2]] : [inputShape[0], inputShape[2]];
  }
}
