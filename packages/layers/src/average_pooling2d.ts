import type { Tensor } from '@neurite/core';
import { type Pooling2DConfigBase, pool2d, poolingSettings, poolOutputShape } from './internal/pooling.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface AveragePooling2DConfig extends LayerConfig, Pooling2DConfigBase {}

/**
 * Keeps the mean of each window (default 2x2, stride 2) of a `[batch, height, width, channels]` input.
 * With padding 'same', a window at the edge averages only the cells it covers, as Keras, and so does
 * its gradient.
 *
 * @example
 * ```ts
 * import { tensor4d, useBackend, zeros } from '@neurite/core';
 * import { AveragePooling2D } from '@neurite/layers';
 * await useBackend('cpu');
 * console.log(new AveragePooling2D({ poolSize: 2 }).apply(zeros([1, 26, 26, 32])).shape); // [1, 13, 13, 32]
 * const x = tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
 * const same = new AveragePooling2D({ poolSize: 2, padding: 'same' });
 * console.log(Array.from(await same.apply(x).data())); // [ 3, 4.5, 7.5, 9 ]
 * ```
 */
export class AveragePooling2D extends Layer<AveragePooling2DConfig> {
  static override className = 'AveragePooling2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };
  private readonly settings: ReturnType<typeof poolingSettings>;

  constructor(config: AveragePooling2DConfig = {}) {
    super(config);
    this.settings = poolingSettings('AveragePooling2D', config);
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    return pool2d('avg', x, this.settings);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return poolOutputShape(inputShape, this.settings);
  }
}
