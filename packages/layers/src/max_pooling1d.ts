import { avgPool, avgPoolSame, maxPool, NeuriteError, type Tensor, type Tensor4D } from '@neurite/core';
import { convOutputLength } from './internal/conv.js';
import { intOrOne, oneOf } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

/** The options MaxPooling1D and AveragePooling1D share. */
export interface Pooling1DConfigBase {
  /** Window length; default 2. */
  poolSize?: number | [number];
  /** Step between windows; default the pool size. */
  strides?: number | [number];
  /** 'valid' (default) keeps only whole windows; 'same' pads so that steps / strides windows come out. */
  padding?: 'same' | 'valid';
}

export interface Pooling1DSettings {
  pool: number;
  stride: number;
  padding: 'same' | 'valid';
}

/** Checks a 1-D pooling config (MaxPooling1D's and AveragePooling1D's). */
export function pooling1DSettings(owner: string, config: Pooling1DConfigBase): Pooling1DSettings {
  const pool = intOrOne(owner, 'poolSize', config.poolSize ?? 2, 2);
  const stride = intOrOne(owner, 'strides', config.strides ?? pool, 2);
  const padding = oneOf(owner, 'padding', config.padding ?? 'valid', ['same', 'valid'] as const);
  return { pool, stride, padding };
}

/**
 * Pools `[batch, steps, channels]` as a `[batch, steps, 1, channels]` image with a `pool x 1` window,
 * the way Keras and tfjs-layers do, so that each backend's 2-D pooling kernels and gradients serve.
 */
export function pool1d(kind: 'max' | 'avg', x: Tensor, s: Pooling1DSettings): Tensor {
  const [b, steps, c] = x.shape as number[];
  const image = x.reshape([b, steps, 1, c]) as Tensor4D;
  const y: Tensor =
    kind === 'max'
      ? maxPool(image, [s.pool, 1], [s.stride, 1], s.padding)
      : s.padding === 'same'
        ? avgPoolSame(image, [s.pool, 1], [s.stride, 1]) // not tfjs's 'same': see avgPoolSame in core
        : avgPool(image, [s.pool, 1], [s.stride, 1], 'valid');
  return y.reshape([b, y.shape[1] as number, c]);
}

export function pool1dOutputShape(inputShape: Shape, s: Pooling1DSettings): Shape {
  const [b, steps, c] = inputShape;
  return [b, convOutputLength(steps, s.pool, s.stride, s.padding), c];
}

/** Throws when a 'valid' window is longer than the input's steps. */
export function checkPool1dFits(layer: Layer, shape: Shape, s: Pooling1DSettings): void {
  const steps = shape[1];
  if (s.padding === 'valid' && steps !== null && steps < s.pool) {
    throw new NeuriteError(
      `${layer.className} '${layer.name}': a window of ${s.pool} steps with padding 'valid' does not fit an input ` +
        `of ${steps} steps. Received shape [${shape.map((d) => d ?? 'null').join(', ')}]. ` +
        "Use padding 'same' or a smaller poolSize.",
    );
  }
}

export interface MaxPooling1DConfig extends LayerConfig, Pooling1DConfigBase {}

/**
 * Keeps the largest value of each window (default 2 steps, stride 2) of a `[batch, steps, channels]` input.
 *
 * @example
 * ```ts
 * import { useBackend, tensor3d } from '@neurite/core';
 * import { MaxPooling1D } from '@neurite/layers';
 * await useBackend('cpu');
 * const x = tensor3d([1, 5, 2, 4, 3, 0], [1, 6, 1]);
 * console.log(Array.from(await new MaxPooling1D({ poolSize: 2 }).apply(x).data())); // [ 5, 4, 3 ]
 * ```
 */
export class MaxPooling1D extends Layer<MaxPooling1DConfig> {
  static override className = 'MaxPooling1D';
  protected override inputRank = { rank: 3, description: '[batch, steps, channels]' };
  private readonly settings: Pooling1DSettings;

  constructor(config: MaxPooling1DConfig = {}) {
    super(config);
    this.settings = pooling1DSettings('MaxPooling1D', config);
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    return pool1d('max', x, this.settings);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return pool1dOutputShape(inputShape, this.settings);
  }

  protected override checkInput(shape: Shape): void {
    super.checkInput(shape);
    checkPool1dFits(this, shape, this.settings);
  }
}
