import { conv2d, conv2dBiasRelu, dilateFilter, NeuriteError, type Tensor, type Tensor4D } from '@neurite/core';
import { type ActivationName, getActivation } from './activations.js';
import type { InitializerSpec } from './initializers.js';
import { convOutputLength } from './internal/conv.js';
import { intPair, oneOf, positiveInt } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface Conv2DConfig extends LayerConfig {
  /** Number of output channels. */
  filters: number;
  /** Kernel height and width, e.g. 3 or [3, 3]. */
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
  dilationRate?: number | [number, number];
  useBias?: boolean;
  activation?: ActivationName;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

/**
 * A 2-D convolution over `[batch, height, width, channels]` inputs, with a bias and an activation.
 *
 * @example
 * ```ts
 * import { useBackend, zeros } from '@neurite/core';
 * import { Conv2D } from '@neurite/layers';
 * await useBackend('cpu');
 * const conv = new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' });
 * console.log(conv.apply(zeros([1, 28, 28, 1])).shape); // [1, 26, 26, 32]
 * ```
 */
export class Conv2D extends Layer<Conv2DConfig> {
  static override className = 'Conv2D';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };
  private readonly kernel: [number, number];
  private readonly strides: [number, number];
  private readonly dilation: [number, number];
  private readonly padding: 'same' | 'valid';

  constructor(config: Conv2DConfig) {
    super(config);
    positiveInt('Conv2D', 'filters', config?.filters);
    this.kernel = intPair('Conv2D', 'kernelSize', config.kernelSize);
    this.strides = intPair('Conv2D', 'strides', config.strides ?? 1);
    this.dilation = intPair('Conv2D', 'dilationRate', config.dilationRate ?? 1);
    this.padding = oneOf('Conv2D', 'padding', config.padding ?? 'valid', ['same', 'valid'] as const);
    if (this.strides.some((s) => s > 1) && this.dilation.some((d) => d > 1)) {
      throw new NeuriteError(
        `Conv2D: strides and dilationRate cannot both exceed 1. Received: strides=${JSON.stringify(config.strides)}, ` +
          `dilationRate=${JSON.stringify(config.dilationRate)}. Use one of them, or a pooling layer after a dilated conv.`,
      );
    }
    getActivation(config.activation);
  }

  override build(inputShape: Shape): void {
    const channels = inputShape[3] as number;
    this.addWeight({
      name: 'kernel',
      shape: [...this.kernel, channels, this.config.filters],
      initializer: this.config.kernelInitializer ?? 'glorotUniform',
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
    // tfjs has no gradient for dilated conv2d; a kernel with zeros between its taps (dilateFilter)
    // computes the same convolution and differentiates.
    const dilated = this.dilation[0] > 1 || this.dilation[1] > 1;
    const activation = this.config.activation ?? 'linear';
    const useBias = this.config.useBias ?? true;
    if (!dilated && (activation === 'relu' || activation === 'linear') && x.dtype === 'float32') {
      // One kernel for the convolution, the bias and the ReLU where the backend fuses them (wasm).
      return conv2dBiasRelu(x as Tensor4D, this.weight('kernel') as unknown as Tensor4D, {
        strides: this.strides,
        padding: this.padding,
        bias: useBias ? this.weight('bias') : undefined,
        activation,
      });
    }
    const kernel = dilated ? dilateFilter(this.weight('kernel'), this.dilation) : this.weight('kernel');
    let y: Tensor = conv2d(x as Tensor4D, kernel as unknown as Tensor4D, this.strides, this.padding, 'NHWC');
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
    const out = this.computeOutputShape(shape);
    if ((out[1] as number) <= 0 || (out[2] as number) <= 0) {
      throw new NeuriteError(
        `Conv2D '${this.name}': a ${this.kernel.join('x')} kernel with padding '${this.padding}' does not fit an input of ` +
          `${shape[1]}x${shape[2]}. Received shape [${shape.join(', ')}]. Use padding 'same' or a smaller kernel.`,
      );
    }
  }
}
