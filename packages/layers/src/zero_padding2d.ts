import { NeuriteError, type Tensor, type Tensor4D } from '@neurite/core';
import { show } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

/** One number for all four sides, [height, width] (each for both of its sides), or [[top, bottom], [left, right]]. */
export type Padding2D = number | [number, number] | [[number, number], [number, number]];

/**
 * The three forms Keras accepts for ZeroPadding2D's padding and Cropping2D's cropping, as
 * [[top, bottom], [left, right]] of non-negative integers. Shared by both layers.
 */
export function sidesOf(owner: string, key: string, value: unknown): [[number, number], [number, number]] {
  const n = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  const pair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && v.every(n);
  if (n(value)) {
    return [
      [value, value],
      [value, value],
    ];
  }
  if (pair(value)) {
    return [
      [value[0], value[0]],
      [value[1], value[1]],
    ];
  }
  if (Array.isArray(value) && value.length === 2 && value.every(pair)) {
    return [
      [value[0][0], value[0][1]],
      [value[1][0], value[1][1]],
    ];
  }
  throw new NeuriteError(
    `${owner}: ${key} must be a non-negative integer (all four sides), a pair [height, width] of them (each for ` +
      `both of its sides), or [[top, bottom], [left, right]], e.g. 1, [1, 2] or [[0, 1], [2, 2]]. ` +
      `Received: ${key}=${show(value)}.`,
  );
}

export interface ZeroPadding2DConfig extends LayerConfig {
  /** Rows and columns of zeros to add: `1`, `[height, width]` or `[[top, bottom], [left, right]]` (default 1). */
  padding?: Padding2D;
}

/**
 * Adds rows and columns of zeros around a `[batch, height, width, channels]` input, as Keras's ZeroPadding2D.
 *
 * @example
 * ```ts
 * import { useBackend, ones } from '@neurite/core';
 * import { ZeroPadding2D } from '@neurite/layers';
 * await useBackend('cpu');
 * const pad = new ZeroPadding2D({ padding: [[1, 0], [0, 2]] });
 * const y = pad.apply(ones([1, 1, 1, 1]));
 * console.log(y.shape, Array.from(await y.data())); // [1, 2, 3, 1] [ 0, 0, 0, 1, 0, 0 ]
 * ```
 */
export class ZeroPadding2D extends Layer<ZeroPadding2DConfig> {
  static override className = 'ZeroPadding2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };
  private readonly sides: [[number, number], [number, number]];

  constructor(config: ZeroPadding2DConfig = {}) {
    super(config);
    this.sides = sidesOf('ZeroPadding2D', 'padding', config.padding ?? 1);
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    const [rows, cols] = this.sides;
    return (x as Tensor4D).pad([[0, 0], rows, cols, [0, 0]]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const [b, h, w, c] = inputShape;
    const [[top, bottom], [left, right]] = this.sides;
    return [b, h === null ? null : h + top + bottom, w === null ? null : w + left + right, c];
  }
}
