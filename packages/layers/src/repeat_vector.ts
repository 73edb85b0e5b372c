import type { Tensor } from '@neurite/core';
import { positiveInt } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface RepeatVectorConfig extends LayerConfig {
  /** How many times to repeat each input vector. */
  n: number;
}

/**
 * Repeats each `[batch, features]` input vector `n` times: `[batch, n, features]`.
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { RepeatVector } from '@neurite/layers';
 * await useBackend('cpu');
 * const y = new RepeatVector({ n: 3 }).apply(tensor([[1, 2]]));
 * console.log(y.shape, Array.from(await y.data())); // [1, 3, 2] [ 1, 2, 1, 2, 1, 2 ]
 * ```
 */
export class RepeatVector extends Layer<RepeatVectorConfig> {
  static override className = 'RepeatVector';
  protected override inputRank = { rank: 2, description: '[batch, features]' };

  constructor(config: RepeatVectorConfig) {
    super(config);
    positiveInt('RepeatVector', 'n', config?.n);
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    return x.expandDims(1).tile([1, this.config.n, 1]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], this.config.n, inputShape[1]];
  }
}
