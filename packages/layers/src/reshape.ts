import { NeuriteError, type Tensor } from '@neurite/core';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface ReshapeConfig extends LayerConfig {
  /** The shape of one sample (no batch dimension); one entry may be -1. */
  targetShape: number[];
}

/**
 * Reshapes each sample: `targetShape` excludes the batch dimension, and one entry may be -1.
 *
 * @example
 * ```ts
 * import { useBackend, ones } from '@neurite/core';
 * import { Reshape } from '@neurite/layers';
 * await useBackend('cpu');
 * console.log(new Reshape({ targetShape: [28, 28, 1] }).apply(ones([2, 784])).shape); // [2, 28, 28, 1]
 * ```
 */
export class Reshape extends Layer<ReshapeConfig> {
  static override className = 'Reshape';
  protected override inputRank = { min: 1, description: '[batch, ...]' };

  constructor(config: ReshapeConfig) {
    super(config);
    const t = config?.targetShape;
    const ok =
      Array.isArray(t) &&
      t.length > 0 &&
      t.every((d) => Number.isInteger(d) && (d > 0 || d === -1)) &&
      t.filter((d) => d === -1).length <= 1;
    if (!ok) {
      throw new NeuriteError(
        'Reshape: targetShape must be a list of positive integers (one may be -1), without the batch dimension. ' +
          `Received: targetShape=${JSON.stringify(t)}.`,
      );
    }
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    return x.reshape([x.shape[0], ...this.config.targetShape]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const target = this.config.targetShape;
    const rest = inputShape.slice(1);
    if (rest.some((d) => d === null)) return [inputShape[0], ...target.map((d) => (d === -1 ? null : d))];
    const size = (rest as number[]).reduce((a, b) => a * b, 1);
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const fits = target.includes(-1) ? size % known === 0 : size === known;
    if (!fits) {
      throw new NeuriteError(
        `Reshape '${this.name}': cannot reshape a sample of shape [${rest.join(', ')}] (${size} values) to ` +
          `[${target.join(', ')}]. Received input shape [${inputShape.map((d) => d ?? 'null').join(', ')}]. ` +
          'The number of values per sample must stay the same.',
      );
    }
    return [inputShape[0], ...target.map((d) => (d === -1 ? size / known : d))];
  }

  protected override checkInput(shape: Shape): void {
    super.checkInput(shape);
    this.computeOutputShape(shape);
  }
}
