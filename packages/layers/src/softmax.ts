import { NeuriteError, softmax, type Tensor } from '@neurite/core';
import { show } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface SoftmaxConfig extends LayerConfig {
  /** The axis (or axes) to normalize over, counted with the batch axis; negative from the end. Default -1. */
  axis?: number | number[];
}

/**
 * Softmax as a layer: exponentials normalized to sum to 1 over `axis` (default -1, the last; a list
 * normalizes over several axes together).
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { Softmax } from '@neurite/layers';
 * await useBackend('cpu');
 * // Over axis 1 (the steps), each channel's values [0, 0] and [5, 5] share equally.
 * const y = new Softmax({ axis: 1 }).apply(tensor([[[0, 5], [0, 5]]]));
 * console.log(Array.from(await y.data())); // [ 0.5, 0.5, 0.5, 0.5 ]
 * ```
 */
export class Softmax extends Layer<SoftmaxConfig> {
  static override className = 'Softmax';
  protected override inputRank = { min: 2, description: '[batch, ...]' };
  private readonly axes: number[];

  constructor(config: SoftmaxConfig = {}) {
    super(config);
    const axis = config.axis ?? -1;
    const axes = typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(axes) || axes.length === 0 || !axes.every((a) => Number.isInteger(a))) {
      throw new NeuriteError(
        `Softmax: axis must be an integer or a non-empty list of them, e.g. -1 or [1, 2]. Received: axis=${show(axis)}.`,
      );
    }
    this.axes = axes;
  }

  // tfjs's softmax() normalizes over the last axis only; over other axes e^(x - max) / sum e^(x - max)
  // does the same, from ops every backend differentiates (the max only guards against overflow: softmax
  // does not change under a shift, so its gradient through the max is zero).
  override call(x: Tensor, _options: CallOptions): Tensor {
    const axes = this.resolve(x.rank);
    if (axes.length === 1 && axes[0] === x.rank - 1) return softmax(x);
    const e = x.sub(x.max(axes, true)).exp();
    return e.div(e.sum(axes, true));
  }

  protected override checkInput(shape: Shape): void {
    super.checkInput(shape);
    this.resolve(shape.length);
  }

  private resolve(rank: number): number[] {
    const bad = this.axes.filter((a) => a < -rank || a >= rank);
    const axes = this.axes.map((a) => (a < 0 ? a + rank : a));
    if (bad.length > 0 || new Set(axes).size !== axes.length) {
      throw new NeuriteError(
        `Softmax '${this.name}': axis ${show(this.config.axis ?? -1)} must name distinct axes of its rank-${rank} ` +
          `input, from ${-rank} to ${rank - 1}. Received an input of rank ${rank}.`,
      );
    }
    return axes;
  }
}
