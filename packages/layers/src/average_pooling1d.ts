import type { Tensor } from '@neurite/core';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';
import {
  checkPool1dFits,
  type Pooling1DConfigBase,
  type Pooling1DSettings,
  pool1d,
  pool1dOutputShape,
  pooling1DSettings,
} from './max_pooling1d.js';

export interface AveragePooling1DConfig extends LayerConfig, Pooling1DConfigBase {}

/**
 * Keeps the mean of each window (default 2 steps, stride 2) of a `[batch, steps, channels]` input. With
 * padding 'same', a window at the edge averages only the steps it covers, as Keras.
 *
 * @example
 * ```ts
 * import { useBackend, tensor3d } from '@neurite/core';
 * import { AveragePooling1D } from '@neurite/layers';
 * await useBackend('cpu');
 * const x = tensor3d([1, 5, 2, 4, 3], [1, 5, 1]);
 * const pool = new AveragePooling1D({ poolSize: 2, padding: 'same' });
 * console.log(Array.from(await pool.apply(x).data())); // [ 3, 3, 3 ]
 * ```
 */
export class AveragePooling1D extends Layer<AveragePooling1DConfig> {
  static override className = 'AveragePooling1D';
  protected override inputRank = { rank: 3, description: '[batch, steps, channels]' };
  private readonly settings: Pooling1DSettings;

  constructor(config: AveragePooling1DConfig = {}) {
    super(config);
    this.settings = pooling1DSettings('AveragePooling1D', config);
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    return pool1d('avg', x, this.settings);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return pool1dOutputShape(inputShape, this.settings);
  }

  protected override checkInput(shape: Shape): void {
    super.checkInput(shape);
    checkPool1dFits(this, shape, this.settings);
  }
}
