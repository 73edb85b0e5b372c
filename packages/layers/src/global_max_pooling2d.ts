import type { Tensor } from '@neurite/core';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface GlobalMaxPooling2DConfig extends LayerConfig {
  /** Keep height and width as axes of size 1: `[batch, 1, 1, channels]` (default false, as Keras). */
  keepdims?: boolean;
}

/**
 * Keeps each channel's largest value over height and width: `[batch, h, w, c]` to `[batch, c]`.
 *
 * @example
 * ```ts
 * import { useBackend, tensor4d } from '@neurite/core';
 * import { GlobalMaxPooling2D } from '@neurite/layers';
 * await useBackend('cpu');
 * const x = tensor4d([1, -5, 4, 2, 3, 0, -1, 7], [1, 2, 2, 2]);
 * console.log(Array.from(await new GlobalMaxPooling2D().apply(x).data())); // [ 4, 7 ]
 * ```
 */
export class GlobalMaxPooling2D extends Layer<GlobalMaxPooling2DConfig> {
  static override className = 'GlobalMaxPooling2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };

  override call(x: Tensor, _options: CallOptions): Tensor {
    return x.max([1, 2], this.config.keepdims ?? false);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this.config.keepdims ? [inputShape[0], 1, 1, inputShape[3]] : [inputShape[0], inputShape[3]];
  }
}
