import { NeuriteError, relu, type Tensor } from '@neurite/core';
import type { InitializerSpec } from './initializers.js';
import { show } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface PReLUConfig extends LayerConfig {
  /** The slopes' first values (default zeros, as Keras). */
  alphaInitializer?: InitializerSpec;
  /**
   * Axes (1-based, counted with the batch axis as 0) along which one slope is shared, e.g. [1, 2] for
   * one slope per channel of `[batch, h, w, channels]`. Default none: one slope per input value.
   */
  sharedAxes?: number | number[] | null;
}

/**
 * Parametric ReLU: f(x) = x for x >= 0, alpha * x otherwise, with a learned `alpha` of shape
 * `input.shape[1:]` (size 1 along `sharedAxes`), as Keras's PReLU.
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { PReLU } from '@neurite/layers';
 * await useBackend('cpu');
 * const layer = new PReLU({ alphaInitializer: { className: 'constant', config: { value: 0.5 } } });
 * console.log(Array.from(await layer.apply(tensor([[-2, 4]])).data())); // [ -1, 4 ]
 * console.log(layer.weight('alpha').shape); // [ 2 ]
 * ```
 */
export class PReLU extends Layer<PReLUConfig> {
  static override className = 'PReLU';
  protected override inputRank = { min: 2, description: '[batch, ...]' };
  private readonly sharedAxes: number[];

  constructor(config: PReLUConfig = {}) {
    super(config);
    const shared = config.sharedAxes ?? [];
    const list = typeof shared === 'number' ? [shared] : shared;
    if (!Array.isArray(list) || !list.every((a) => Number.isInteger(a) && a >= 1)) {
      throw new NeuriteError(
        'PReLU: sharedAxes must be a positive integer or a list of them (axis 0 is the batch), e.g. [1, 2] to share ' +
          `each channel's slope over height and width. Received: sharedAxes=${show(config.sharedAxes)}.`,
      );
    }
    this.sharedAxes = list;
  }

  override build(inputShape: Shape): void {
    const rank = inputShape.length;
    const outside = this.sharedAxes.filter((a) => a >= rank);
    if (outside.length > 0) {
      throw new NeuriteError(
        `PReLU '${this.name}': sharedAxes ${show(this.config.sharedAxes)} must name axes of its input, from 1 to ` +
          `${rank - 1}. Received an input of shape [${inputShape.map((d) => d ?? 'null').join(', ')}].`,
      );
    }
    const shape = inputShape.slice(1).map((d, i) => (this.sharedAxes.includes(i + 1) ? 1 : d)) as number[];
    this.addWeight({ name: 'alpha', shape, initializer: this.config.alphaInitializer ?? 'zeros' });
  }

  // relu(x) - alpha * relu(-x), as Keras computes it; alpha broadcasts over the batch and the shared axes.
  override call(x: Tensor, _options: CallOptions): Tensor {
    return relu(x).sub(this.weight('alpha').mul(relu(x.neg())));
  }

  // The slopes fix every axis but the batch and the shared ones, not only the last.
  protected override checkInput(shape: Shape): void {
    super.checkInput(shape);
    const built = this.builtInputShape;
    if (!built || !this.built) return;
    const fmt = (s: Shape) => `[${s.map((d) => d ?? 'null').join(', ')}]`;
    const differs = shape.some((d, i) => i > 0 && !this.sharedAxes.includes(i) && built[i] !== null && d !== built[i]);
    if (differs) {
      throw new NeuriteError(
        `PReLU '${this.name}' was built for inputs of shape ${fmt(built)}. Received shape ${fmt(shape)}. ` +
          'Its slopes fix every axis except the batch and sharedAxes: use a new layer, or share the axis that varies.',
      );
    }
  }
}
