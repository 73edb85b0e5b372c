import { depthwiseConvolve, NeuriteError, type Tensor } from '@neurite/core';
import { type ActivationName, getActivation } from './activations.js';
import type { InitializerSpec } from './initializers.js';
import { convOutputLength } from './internal/conv.js';
import { intPair, oneOf, positiveInt } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface DepthwiseConv2DConfig extends LayerConfig {
  /** Kernel height and width, e.g. 3 or [3, 3]. */
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
  /** Output channels per input channel (default 1): the output has `channels * depthMultiplier`. */
  depthMultiplier?: number;
  dilationRate?: number | [number, number];
  useBias?: boolean;
  activation?: ActivationName;
  depthwiseInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

/**
 * A depthwise 2-D convolution over `[batch, height, width, channels]` inputs: each input channel is
 * convolved with its own `depthMultiplier` filters, without mixing channels. Output channel
 * `c * depthMultiplier + m` is input channel `c` under filter `m`, as in Keras.
 *
 * @example
 * ```ts
 * import { useBackend, zeros } from '@neurite/core';
 * import { DepthwiseConv2D } from '@neurite/layers';
 * await useBackend('cpu');
 * const dw = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same' });
 * console.log(dw.apply(zeros([1, 8, 8, 3])).shape, dw.weight('depthwiseKernel').shape); // [1, 8, 8, 6] [3, 3, 3, 2]
 * ```
 */
export class DepthwiseConv2D extends Layer<DepthwiseConv2DConfig> {
  static override className = 'DepthwiseConv2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };
  private readonly kernel: [number, number];
  private readonly strides: [number, number];
  private readonly dilation: [number, number];
  private readonly padding: 'same' | 'valid';
  private readonly multiplier: number;

  constructor(config: DepthwiseConv2DConfig) {
    super(config);
    const spec = depthwiseSpec('DepthwiseConv2D', config);
    this.kernel = spec.kernel;
    this.strides = spec.strides;
    this.dilation = spec.dilation;
    this.padding = spec.padding;
    this.multiplier = spec.multiplier;
    getActivation(config.activation);
  }

  override build(inputShape: Shape): void {
    const channels = inputShape[3] as number;
    this.addWeight({
      name: 'depthwiseKernel',
      shape: [...this.kernel, channels, this.multiplier],
      initializer: this.config.depthwiseInitializer ?? 'glorotUniform',
    });
    if (this.config.useBias ?? true) {
      this.addWeight({
        name: 'bias',
        shape: [channels * this.multiplier],
        initializer: this.config.biasInitializer ?? 'zeros',
      });
    }
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    // Not tfjs's depthwiseConv2d: it has no gradient with dilation, nor on wasm (see depthwiseConvolve).
    let y: Tensor = depthwiseConvolve(x, this.weight('depthwiseKernel'), {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilation,
    });
    if (this.config.useBias ?? true) y = y.add(this.weight('bias'));
    return getActivation(this.config.activation)(y);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const [b, h, w, c] = inputShape;
    return [
      b,
      convOutputLength(h, this.kernel[0], this.strides[0], this.padding, this.dilation[0]),
      convOutputLength(w, this.kernel[1], this.strides[1], this.padding, this.dilation[1]),
      c === null ? null : c * this.multiplier,
    ];
  }

  protected override checkInput(shape: Shape): void {
    super.checkInput(shape);
    checkFits('DepthwiseConv2D', this.name, this.kernel, this.padding, this.dilation, shape);
  }
}

/** The validated spatial options a depthwise convolution takes (shared with SeparableConv2D). */
export interface DepthwiseSpec {
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: 'same' | 'valid';
  multiplier: number;
}

/** Validates kernelSize, strides, dilationRate, padding and depthMultiplier, with errors naming `owner`. */
export function depthwiseSpec(
  owner: string,
  config: {
    kernelSize?: unknown;
    strides?: unknown;
    dilationRate?: unknown;
    padding?: unknown;
    depthMultiplier?: unknown;
  },
): DepthwiseSpec {
  const kernel = intPair(owner, 'kernelSize', config?.kernelSize);
  const strides = intPair(owner, 'strides', config.strides ?? 1);
  const dilation = intPair(owner, 'dilationRate', config.dilationRate ?? 1);
  const padding = oneOf(owner, 'padding', config.padding ?? 'valid', ['same', 'valid'] as const);
  const multiplier = positiveInt(owner, 'depthMultiplier', config.depthMultiplier ?? 1);
  if (strides.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    throw new NeuriteError(
      `${owner}: strides and dilationRate cannot both exceed 1. Received: strides=${JSON.stringify(config.strides)}, ` +
        `dilationRate=${JSON.stringify(config.dilationRate)}. Use one of them, or a pooling layer after a dilated conv.`,
    );
  }
  return { kernel, strides, dilation, padding, multiplier };
}

/** Throws when a (dilated) kernel with 'valid' padding leaves no output for an input of `shape`. */
export function checkFits(
  owner: string,
  name: string,
  kernel: [number, number],
  padding: 'same' | 'valid',
  dilation: [number, number],
  shape: Shape,
): void {
  const h = convOutputLength(shape[1], kernel[0], 1, padding, dilation[0]);
  const w = convOutputLength(shape[2], kernel[1], 1, padding, dilation[1]);
  if ((h !== null && h <= 0) || (w !== null && w <= 0)) {
    const dilated = dilation.some((d) => d > 1) ? ` dilated by ${dilation.join('x')}` : '';
    throw new NeuriteError(
      `${owner} '${name}': a ${kernel.join('x')} kernel${dilated} with padding '${padding}' does not fit an input of ` +
        `${shape[1]}x${shape[2]}. Received shape [${shape.join(', ')}]. Use padding 'same' or a smaller kernel.`,
    );
  }
}
