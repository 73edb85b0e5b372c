import type { Tensor } from '@neurite/core';
import { type ActivationName, getActivation } from './activations.js';
import type { InitializerSpec } from './initializers.js';
import { positiveInt } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface DenseConfig extends LayerConfig {
  /** Number of outputs. */
  units: number;
  /** Applied to the output; default linear. */
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

/**
 * A fully connected layer: y = activation(x W + b), on the last axis of the input.
 *
 * @example
 * ```ts
 * import { useBackend, ones } from '@neurite/core';
 * import { Dense } from '@neurite/layers';
 * await useBackend('cpu');
 * const dense = new Dense({ units: 3, activation: 'relu' });
 * console.log(dense.apply(ones([2, 4])).shape, dense.countParams()); // [2, 3] 15
 * ```
 */
export class Dense extends Layer<DenseConfig> {
  static override className = 'Dense';
  protected override inputRank = { min: 2, description: '[batch, ..., features]' };

  constructor(config: DenseConfig) {
    super(config);
    positiveInt('Dense', 'units', config?.units);
    getActivation(config.activation);
  }

  override build(inputShape: Shape): void {
    const inDim = inputShape[inputShape.length - 1] as number;
    this.addWeight({
      name: 'kernel',
      shape: [inDim, this.config.units],
      initializer: this.config.kernelInitializer ?? 'glorotUniform',
    });
    if (this.config.useBias ?? true) {
      this.addWeight({ name: 'bias', shape: [this.config.units], initializer: this.config.biasInitializer ?? 'zeros' });
    }
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    const inDim = x.shape[x.shape.length - 1];
    const flat = x.rank === 2 ? x : x.reshape([-1, inDim]);
    let y = flat.matMul(this.weight('kernel'));
    if (this.config.useBias ?? true) y = y.add(this.weight('bias'));
    if (x.rank !== 2) y = y.reshape([...x.shape.slice(0, -1), this.config.units]);
    return getActivation(this.config.activation)(y);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.config.units];
  }
}
