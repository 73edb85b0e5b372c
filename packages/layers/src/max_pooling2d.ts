import type { Tensor } from '@neurite/core';
import { type Pooling2DConfigBase, pool2d, poolingSettings, poolOutputShape } from './internal/pooling.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface MaxPooling2DConfig extends LayerConfig, Pooling2DConfigBase {}

/**
 * Keeps the largest value of each window (default 2x2, stride 2) of a `[batch, height, width, channels]` input.
 *
 * @example
 * ```ts
 * import { useBackend, zeros } from '@neurite/core';
 * import { MaxPooling2D } from '@neurite/layers';
 * await useBackend('cpu');
 * console.log(new MaxPooling2D({ poolSize: 2 }).apply(zeros([1, 26, 26, 32])).shape); // [1, 13, 13, 32]
 * ```
 */
export class MaxPooling2D extends Layer<MaxPooling2DConfig> {
  static override className = 'MaxPooling2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };
  private readonly settings: ReturnType<typeof poolingSettings>;

  constructor(config: MaxPooling2DConfig = {}) {
    super(config);
    this.settings = poolingSettings('MaxPooling2D', config);
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    return pool2d('max', x, this.settings);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return poolOutputShape(inputShape, this.settings);
  }
}
