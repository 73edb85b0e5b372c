import { conv2d, dilateFilter, NeuriteError, pad, type Tensor, type Tensor4D } from '@neurite/core';
import { type ActivationName, getActivation } from './activations.js';
import type { InitializerSpec } from './initializers.js';
import { convOutputLength } from './internal/conv.js';
import { intOrOne, oneOf, positiveInt } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface Conv1DConfig extends LayerConfig {
  /** Number of output channels. */
  filters: number;
  /** Kernel length, e.g. 3 ([3], as tfjs-layers saves it, is accepted too). */
  kernelSize: number | [number];
  strides?: number | [number];
  /** 'causal': the output at step t sees only steps <= t (the input is padded on the left), as in Keras. */
  padding?: 'same' | 'valid' | 'causal';
  dilationRate?: number | [number];
  useBias?: boolean;
  activation?: ActivationName;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

/**
 * A 1-D convolution over `[batch, steps, channels]` inputs (sequences, signals), with a bias and an
 * activation. Its kernel has Keras's layout `[kernelSize, inputChannels, filters]`.
 *
 * @example
 * ```ts
 * import { useBackend, zeros } from '@neurite/core';
 * import { Conv1D } from '@neurite/layers';
 * await useBackend('cpu');
 * const conv = new Conv1D({ filters: 16, kernelSize: 5, padding: 'causal', dilationRate: 2 });
 * console.log(conv.apply(zeros([2, 100, 3])).shape, conv.weight('kernel').shape); // [2, 100, 16] [5, 3, 16]
 * ```
 */
export class Conv1D extends Layer<Conv1DConfig> {
  static override className = 'Conv1D';
  protected override inputRank = { rank: 3, description: '[batch, steps, channels]' };
  private readonly kernel: number;
  private readonly strides: number;
  private readonly dilation: number;
  private readonly padding: 'same' | 'valid' | 'causal';

  constructor(config: Conv1DConfig) {
    super(config);
    positiveInt('Conv1D', 'filters', config?.filters);
    this.kernel = intOrOne('Conv1D', 'kernelSize', config.kernelSize);
    this.strides = intOrOne('Conv1D', 'strides', config.strides ?? 1);
    this.dilation = intOrOne('Conv1D', 'dilationRate', config.dilationRate ?? 1);
    this.padding = oneOf('Conv1D', 'padding', config.padding ?? 'valid', ['same', 'valid', 'causal'] as const);
    if (this.strides > 1 && this.dilation > 1) {
      throw new NeuriteError(
        `Conv1D: strides and dilationRate cannot both exceed 1. Received: strides=${JSON.stringify(config.strides)}, ` +
          `dilationRate=${JSON.stringify(config.dilationRate)}. Use one of them, or a pooling layer after a dilated conv.`,
      );
    }
    getActivation(config.activation);
  }

  override build(inputShape: Shape): void {
    const channels = inputShape[2] as number;
    this.addWeight({
      name: 'kernel',
      shape: [this.kernel, channels, this.config.filters],
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
    const [batch, , channels] = x.shape as number[];
    const span = (this.kernel - 1) * this.dilation;
    // Causal: pad the start with the dilated kernel's span, so step t's window ends at t; then 'valid'.
    const seq =
      this.padding === 'causal' && span > 0
        ? pad(x, [
            [0, 0],
            [span, 0],
            [0, 0],
          ])
        : x;
    const padding = this.padding === 'causal' ? 'valid' : this.padding;
    // As a conv2d over a height-1 image (tfjs's conv1d does the same). tfjs has no gradient for a
    // dilated conv2d, so a dilated kernel gets zeros between its taps instead (as Conv2D does).
    let kernel: Tensor = this.weight('kernel').reshape([1, this.kernel, channels, this.config.filters]);
    if (this.dilation > 1) kernel = dilateFilter(kernel, [1, this.dilation]);
    const image = seq.reshape([batch, 1, seq.shape[1] as number, channels]);
    let y: Tensor = conv2d(image as Tensor4D, kernel as Tensor4D, [1, this.strides], padding, 'NHWC');
    y = y.reshape([batch, y.shape[2] as number, this.config.filters]);
    if (this.config.useBias ?? true) y = y.add(this.weight('bias'));
    return getActivation(this.config.activation)(y);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const [b, steps] = inputShape;
    // Causal pads span steps in front of a valid convolution: ceil(steps / strides) outputs, as 'same'.
    const padding = this.padding === 'causal' ? 'same' : this.padding;
    return [b, convOutputLength(steps, this.kernel, this.strides, padding, this.dilation), this.config.filters];
  }

  protected override checkInput(shape: Shape): void {
    super.checkInput(shape);
    const out = this.computeOutputShape(shape)[1];
    if (out !== null && out <= 0) {
      const dilated = this.dilation > 1 ? ` dilated by ${this.dilation}` : '';
      throw new NeuriteError(
        `Conv1D '${this.name}': a kernel of ${this.kernel}${dilated} with padding 'valid' does not fit ${shape[1]} steps. ` +
          `Received shape [${shape.join(', ')}]. Use padding 'same' or 'causal', or a smaller kernel.`,
      );
    }
  }
}
