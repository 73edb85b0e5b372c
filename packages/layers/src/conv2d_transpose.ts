import { conv2dTranspose, type Tensor, type Tensor4D } from '@neurite/core';
import { type ActivationName, getActivation } from './activations.js';
import type { InitializerSpec } from './initializers.js';
import { intPair, oneOf, positiveInt } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface Conv2DTransposeConfig extends LayerConfig {
  /** Number of output channels. */
  filters: number;
  /** Kernel height and width, e.g. 3 or [3, 3]. */
  kernelSize: number | [number, number];
  /** How much the output grows: each input pixel moves `strides` pixels apart. */
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
  useBias?: boolean;
  activation?: ActivationName;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

/**
 * The output length of a transposed convolution along one axis, as Keras computes it (without
 * outputPadding): `input * stride` for 'same'; `input * stride + max(kernel - stride, 0)` for 'valid',
 * which is `(input - 1) * stride + kernel` whenever the kernel is at least as long as the stride.
 */
function deconvOutputLength(
  input: number | null,
  kernel: number,
  stride: number,
  padding: 'same' | 'valid',
): number | null {
  if (input === null) return null;
  return padding === 'same' ? input * stride : input * stride + Math.max(kernel - stride, 0);
}

/**
 * A transposed 2-D convolution (sometimes called deconvolution) over `[batch, height, width, channels]`
 * inputs, with a bias and an activation: the gradient of a Conv2D with respect to its input, used to
 * upsample. Its kernel has Keras's layout `[kernelHeight, kernelWidth, filters, inputChannels]`.
 *
 * @example
 * ```ts
 * import { useBackend, zeros } from '@neurite/core';
 * import { Conv2DTranspose } from '@neurite/layers';
 * await useBackend('cpu');
 * const up = new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' });
 * console.log(up.apply(zeros([1, 7, 7, 8])).shape, up.weight('kernel').shape); // [1, 14, 14, 4] [3, 3, 4, 8]
 * ```
 */
export class Conv2DTranspose extends Layer<Conv2DTransposeConfig> {
  static override className = 'Conv2DTranspose';
  protected override inputRank = { rank: 4, description: '[batch, height, width, channels]' };
  private readonly kernel: [number, number];
  private readonly strides: [number, number];
  private readonly padding: 'same' | 'valid';

  constructor(config: Conv2DTransposeConfig) {
    super(config);
    positiveInt('Conv2DTranspose', 'filters', config?.filters);
    this.kernel = intPair('Conv2DTranspose', 'kernelSize', config.kernelSize);
    this.strides = intPair('Conv2DTranspose', 'strides', config.strides ?? 1);
    this.padding = oneOf('Conv2DTranspose', 'padding', config.padding ?? 'valid', ['same', 'valid'] as const);
    getActivation(config.activation);
  }

  override build(inputShape: Shape): void {
    const channels = inputShape[3] as number;
    this.addWeight({
      name: 'kernel',
      shape: [...this.kernel, this.config.filters, channels],
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
    const [b, h, w, c] = this.computeOutputShape(x.shape) as number[];
    // tfjs's conv2dTranspose takes the filter as [kh, kw, outputChannels, inputChannels]: Keras's layout.
    // It runs Conv2DBackpropInput, whose gradients (conv2d and Conv2DBackpropFilter) every backend has.
    let y: Tensor = conv2dTranspose(
      x as Tensor4D,
      this.weight('kernel') as unknown as Tensor4D,
      [b, h, w, c],
      this.strides,
      this.padding,
    );
    if (this.config.useBias ?? true) y = y.add(this.weight('bias'));
    return getActivation(this.config.activation)(y);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const [b, h, w] = inputShape;
    return [
      b,
      deconvOutputLength(h, this.kernel[0], this.strides[0], this.padding),
      deconvOutputLength(w, this.kernel[1], this.strides[1], this.padding),
      this.config.filters,
    ];
  }
}
