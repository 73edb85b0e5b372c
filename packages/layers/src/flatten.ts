import type { Tensor } from '@neurite/core';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

/**
 * Flattens every sample to one axis: `[batch, 5, 5, 64]` to `[batch, 1600]`.
 *
 * @example
 * ```ts
 * import { useBackend, ones } from '@neurite/core';
 * import { Flatten } from '@neurite/layers';
 * await useBackend('cpu');
 * console.log(new Flatten().apply(ones([2, 5, 5, 64])).shape); // [2, 1600]
 * ```
 */
export class Flatten extends Layer<LayerConfig> {
  static override className = 'Flatten';
  protected override inputRank = { min: 2, description: '[batch, ...]' };

  override call(x: Tensor, _options: CallOptions): Tensor {
    return x.reshape([x.shape[0], -1]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const rest = inputShape.slice(1);
    return [inputShape[0], rest.some((d) => d === null) ? null : (rest as number[]).reduce((a, b) => a * b, 1)];
  }
}
