import { conv2d, depthwiseConvolve, type Tensor, type Tensor4D } from '@neurite/core';
import { type ActivationName, getActivation } from './activations.js';
import { checkFits, depthwiseSpec } from './depthwise_conv2d.js';
import type { InitializerSpec } from './initializers.js';
import { convOutputLength } from './internal/conv.js';
import { positiveInt } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface SeparableConv2DConfig extends LayerConfig {
  /** Number of output channels (of the pointwise step). */
  filters: number;
  /** Kernel height and width of the depthwise step, e.g. 3 or [3, 3]. */
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
  /** Depthwise filters per input channel (default 1). */
  depthMultiplier?: number;
  dilationRate?: number | [number, number];
  useBias?: boolean;
  activation?: ActivationName;
  depthwiseInitializer?: InitializerSpec;
  pointwiseInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

/**
 * A depthwise-separable 2-D convolution over `[batch, height, width, channels]` inputs: a depthwise
 * convolution (each channel with its own `depthMultiplier` filters, strided and dilated as configured)
 * followed by a 1x1 convolution that mixes the channels into `filters`, then a bias and an activation.
 *
 * @example
 * ```ts
 * import { useBackend, zeros } from '@neurite/core';
 * import { SeparableConv2D } from '@neurite/layers';
 * await useBackend('cpu');
 * const sep = new SeparableConv2D({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' });
 * console.log(sep.apply(zeros([1, 16, 16, 3])).shape, sep.countParams()); // [1, 8, 8, 8] 59
 * ```
 */
export class SeparableConv2D extends Layer<SeparableConv2DConfig> {
  static override className = 'SeparableConv2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };
  private readonly kernel: [number, number];
  private readonly strides: [number, number];
  private readonly dilation: [number, number];
  private readonly padding: 'same' | 'valid';
  private readonly multiplier: number;

  constructor(config: SeparableConv2DConfig) {
    super(config);
    positiveInt('SeparableConv2D', 'filters', config?.filters);
    const spec = depthwiseSpec('SeparableConv2D', config);
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
    this.addWeight({
      name: 'pointwiseKernel',
      shape: [1, 1, channels * this.multiplier, this.config.filters],
      initializer: this.config.pointwiseInitializer ?? 'glorotUniform',
    });
    if (this.config.useBias ?? true) {
      this.addWeight({
        name: 'bias',
        shape: [this.config.filters],
        initializer: this.config.biasInitializer ?? 'zeros',
      });
    }
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    // core's depthwiseConvolve differentiates on every backend (tfjs's has no gradient with dilation, nor on wasm).
    const depthwise = depthwiseConvolve(x, this.weight('depthwiseKernel'), {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilation,
    });
    let y: Tensor = conv2d(depthwise as Tensor4D, this.weight('pointwiseKernel') as unknown as Tensor4D, 1, 'valid');
    if (this.config.useBias ?? true) y = y.add(this.weight('bias'));
    return getActivation(this.config.activation)(y);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const [b, h, w] = inputShape;
    return [
      b,
      convOutputLength(h, this.kernel[0], this.strides[0], this.padding, this.dilation[0]),
      convOutputLength(w, this.kernel[1], this.strides[1], this.padding, this.dilation[1]),
      this.config.filters,
    ];
  }

  protected override checkInput(shape: Shape): void {
    super.checkInput(shape);
    checkFits('SeparableConv2D', this.name, this.kernel, this.padding, this.dilation, shape);
  }
}
