import { NeuriteError, type Tensor } from '@neurite/core';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

/** Options for Concatenate. */
export interface ConcatenateConfig extends LayerConfig {
  /** The axis to join along; negative counts from the end (default -1: the channels). */
  axis?: number;
}

const show = (shape: Shape) => `[${shape.map((d) => d ?? 'null').join(', ')}]`;

/**
 * Joins its inputs along one axis (default the last): a U-Net's skip connection, an Inception block's
 * branches. Every other axis must agree.
 *
 * @example
 * ```ts
 * import { ones, useBackend } from '@neurite/core';
 * import { Concatenate } from '@neurite/layers';
 * await useBackend('cpu');
 * console.log(new Concatenate().apply([ones([2, 4, 4, 3]), ones([2, 4, 4, 5])]).shape); // [2, 4, 4, 8]
 * ```
 */
export class Concatenate extends Layer<ConcatenateConfig> {
  static override className = 'Concatenate';
  protected override arity = { min: 2, max: Number.POSITIVE_INFINITY };
  readonly axis: number;

  constructor(config: ConcatenateConfig = {}) {
    super(config);
    this.axis = config.axis ?? -1;
    if (!Number.isInteger(this.axis) || this.axis === 0) {
      throw new NeuriteError(
        `Concatenate: axis must be a non-zero integer (axis 0 is the batch; -1 the last axis). Received: axis=${JSON.stringify(config.axis)}.`,
      );
    }
  }

  private axisFor(rank: number): number {
    const a = this.axis < 0 ? rank + this.axis : this.axis;
    if (a < 1 || a >= rank) {
      throw new NeuriteError(
        `Concatenate '${this.name}': axis ${this.axis} does not exist in rank-${rank} inputs (axes 1 to ${rank - 1}, or -1 to -${rank - 1}).`,
      );
    }
    return a;
  }

  override call(xs: Tensor[], _options: CallOptions): Tensor {
    return xs[0].concat(xs.slice(1), this.axisFor(xs[0].rank));
  }

  override computeOutputShape(shapes: Shape[]): Shape {
    const rank = shapes[0].length;
    const axis = this.axisFor(rank);
    const out = [...shapes[0]];
    for (let i = 1; i < shapes.length; i++) {
      const s = shapes[i];
      const bad =
        s.length !== rank
          ? -1
          : s.findIndex((d, k) => k > 0 && k !== axis && d !== null && out[k] !== null && d !== out[k]);
      if (s.length !== rank || bad > 0) {
        throw new NeuriteError(
          `Concatenate '${this.name}' joins along axis ${axis}; every other axis must agree, but input 0 is ${show(shapes[0])} ` +
            `and input ${i} is ${show(s)}${bad > 0 ? ` (axis ${bad}: ${out[bad]} vs ${s[bad]})` : ` (rank ${rank} vs ${s.length})`}. ` +
            'Resize one of them (pooling, UpSampling2D, Cropping2D) before joining.',
        );
      }
      out[axis] = out[axis] === null || s[axis] === null ? null : (out[axis] as number) + (s[axis] as number);
    }
    return out;
  }

  override getConfig(): ConcatenateConfig {
    return { ...super.getConfig(), axis: this.axis };
  }
}
