import { NeuriteError, type Tensor } from '@neurite/core';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';
import { type Padding2D, sidesOf } from './zero_padding2d.js';

export interface Cropping2DConfig extends LayerConfig {
  /** Rows and columns to remove: `1`, `[height, width]` or `[[top, bottom], [left, right]]` (default 0). */
  cropping?: Padding2D;
}

/**
 * Removes rows and columns from the edges of a `[batch, height, width, channels]` input, as Keras's Cropping2D.
 *
 * @example
 * ```ts
 * import { useBackend, tensor4d } from '@neurite/core';
 * import { Cropping2D } from '@neurite/layers';
 * await useBackend('cpu');
 * const crop = new Cropping2D({ cropping: [[1, 0], [0, 1]] });
 * const y = crop.apply(tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]));
 * console.log(y.shape, Array.from(await y.data())); // [1, 1, 2, 1] [ 4, 5 ]
 * ```
 */
export class Cropping2D extends Layer<Cropping2DConfig> {
  static override className = 'Cropping2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };
  private readonly sides: [[number, number], [number, number]];

  constructor(config: Cropping2DConfig = {}) {
    super(config);
    this.sides = sidesOf('Cropping2D', 'cropping', config.cropping ?? 0);
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    const [[top, bottom], [left, right]] = this.sides;
    const [, h, w] = x.shape as number[];
    return x.slice([0, top, left, 0], [-1, h - top - bottom, w - left - right, -1]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const [b, h, w, c] = inputShape;
    const [[top, bottom], [left, right]] = this.sides;
    return [b, h === null ? null : h - top - bottom, w === null ? null : w - left - right, c];
  }

  protected override checkInput(shape: Shape): void {
    super.checkInput(shape);
    const [, h, w] = shape;
    const [[top, bottom], [left, right]] = this.sides;
    const short = [
      h !== null && h - top - bottom <= 0 ? `height ${h} - ${top} - ${bottom} = ${h - top - bottom}` : '',
      w !== null && w - left - right <= 0 ? `width ${w} - ${left} - ${right} = ${w - left - right}` : '',
    ].filter(Boolean);
    if (short.length > 0) {
      throw new NeuriteError(
        `Cropping2D '${this.name}': cropping [[${top}, ${bottom}], [${left}, ${right}]] leaves nothing of an input of ` +
          `shape [${shape.map((d) => d ?? 'null').join(', ')}] (${short.join(', ')}). Crop less than the input's size.`,
      );
    }
  }
}
