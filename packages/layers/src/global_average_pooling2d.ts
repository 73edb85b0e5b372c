import type { Tensor } from '@neurite/core';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

/**
 * Averages each channel over height and width: `[batch, h, w, c]` to `[batch, c]`.
 *
 * @example
 * ```ts
 * import { useBackend, ones } from '@neurite/core';
 * import { GlobalAveragePooling2D } from '@neurite/layers';
 * await useBackend('cpu');
 * console.log(new GlobalAveragePooling2D().apply(ones([2, 5, 5, 8])).shape); // [2, 8]
 * ```
 */
export class GlobalAveragePooling2D extends Layer<LayerConfig> {
  static override className = 'GlobalAveragePooling2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };

  override call(x: Tensor, _options: CallOptions): Tensor {
    return x.mean([1, 2]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], inputShape[3]];
  }
}
