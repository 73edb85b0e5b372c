import { concat, type Tensor } from '@neurite/core';
import { intPair, oneOf } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface UpSampling2DConfig extends LayerConfig {
  /** How many times to repeat rows and columns: `2` or `[rows, columns]` (default 2). */
  size?: number | [number, number];
  /** 'nearest' repeats each pixel; 'bilinear' interpolates, as Keras (half-pixel centers). Default 'nearest'. */
  interpolation?: 'nearest' | 'bilinear';
}

/**
 * Enlarges a `[batch, height, width, channels]` input by whole factors, as Keras's UpSampling2D: 'nearest'
 * repeats each row and column `size` times; 'bilinear' interpolates between neighbours with half-pixel
 * centers, as Keras's `tf.image.resize` does (tfjs-layers' UpSampling2D uses corner-aligned sampling and
 * gives other values).
 *
 * @example
 * ```ts
 * import { useBackend, tensor4d } from '@neurite/core';
 * import { UpSampling2D } from '@neurite/layers';
 * await useBackend('cpu');
 * const x = tensor4d([1, 3], [1, 1, 2, 1]);
 * console.log(Array.from(await new UpSampling2D({ size: [1, 2] }).apply(x).data())); // [ 1, 1, 3, 3 ]
 * const smooth = new UpSampling2D({ size: [1, 2], interpolation: 'bilinear' });
 * console.log(Array.from(await smooth.apply(x).data())); // [ 1, 1.5, 2.5, 3 ]
 * ```
 */
export class UpSampling2D extends Layer<UpSampling2DConfig> {
  static override className = 'UpSampling2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };
  private readonly size: [number, number];
  private readonly bilinear: boolean;

  constructor(config: UpSampling2DConfig = {}) {
    super(config);
    this.size = intPair('UpSampling2D', 'size', config.size ?? 2);
    const interpolation = oneOf('UpSampling2D', 'interpolation', config.interpolation ?? 'nearest', [
      'nearest',
      'bilinear',
    ] as const);
    this.bilinear = interpolation === 'bilinear';
  }

  // Not tfjs's image.resizeBilinear (tfjs 4.22): its ResizeBilinearGrad kernel ignores halfPixelCenters,
  // Keras's sampling, on cpu, wasm and webgpu (the gradient is that of corner-based sampling), and on cpu
  // it returns a gradient of the wrong shape when height != width. Whole factors need only slices, scalar
  // multiplies and concats of rank-4 tensors, which every backend has and differentiates correctly.
  override call(x: Tensor, _options: CallOptions): Tensor {
    const [b, h, w, c] = x.shape as number[];
    const [sh, sw] = this.size;
    // Rows: [b, h, 1, w*c] -> [b, h, sh, w*c] -> [b, h*sh, w, c].
    const rows = spread(x.reshape([b, h, 1, w * c]), sh, this.bilinear).reshape([b, h * sh, w, c]);
    // Columns: [b*h*sh, w, 1, c] -> [b*h*sh, w, sw, c] -> [b, h*sh, w*sw, c].
    return spread(rows.reshape([b * h * sh, w, 1, c]), sw, this.bilinear).reshape([b, h * sh, w * sw, c]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const [b, h, w, c] = inputShape;
    return [b, h === null ? null : h * this.size[0], w === null ? null : w * this.size[1], c];
  }
}

/**
 * [outer, n, 1, inner] -> [outer, n, s, inner]: output row k*s + r samples input position
 * k + (r + 0.5) / s - 0.5 (half-pixel centers), clamped at the edges as tf.image.resize clamps.
 */
function spread(x: Tensor, s: number, bilinear: boolean): Tensor {
  if (s === 1) return x;
  if (!bilinear)
    return concat(
      Array.from({ length: s }, () => x),
      2,
    );
  const n = x.shape[1] as number;
  const row = (start: number, size: number) => x.slice([0, start, 0, 0], [-1, size, -1, -1]);
  // The previous and next row of each row, the edge row standing in for the missing one.
  const prev = n > 1 ? concat([row(0, 1), row(0, n - 1)], 1) : x;
  const next = n > 1 ? concat([row(1, n - 1), row(n - 1, 1)], 1) : x;
  const phases: Tensor[] = [];
  for (let r = 0; r < s; r++) {
    const d = (r + 0.5) / s - 0.5;
    if (d < 0) phases.push(x.mul(1 + d).add(prev.mul(-d)));
    else if (d > 0) phases.push(x.mul(1 - d).add(next.mul(d)));
    else phases.push(x);
  }
  return concat(phases, 2);
}
