import {
  concat,
  customGrad,
  depthwiseConv2d,
  type GradSaveFunc,
  getBackend,
  getKernel,
  NeuriteError,
  pad,
  reverse,
  stack,
  stridedSlice,
  type Tensor,
  type Tensor4D,
  zeros,
} from '@neurite/core';
import { type ActivationName, getActivation } from './activations.js';
import type { InitializerSpec } from './initializers.js';
import { convOutputLength, dilateKernel } from './internal/conv.js';
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
    let y = depthwiseConvolve(x, this.weight('depthwiseKernel'), this.strides, this.padding, this.dilation);
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

/**
 * `depthwiseConv2d(x, kernel)` with a gradient on every backend.
 *
 * Dilation: tfjs's depthwiseConv2d has no gradient for dilation rates above 1, so a dilated kernel is
 * spread out with zeros between its taps (dilateKernel) and convolved undilated, as Conv2D does.
 *
 * Backends without tfjs's DepthwiseConv2dNativeBackpropInput/Filter kernels (tfjs 4.22's wasm has
 * neither, so its depthwiseConv2d cannot be differentiated at all) run the forward pass on their own
 * depthwise kernel and the backward pass through ops they do have (see depthwiseGrads). Backends with
 * the kernels use tfjs's own gradient.
 */
export function depthwiseConvolve(
  x: Tensor,
  kernel: Tensor,
  strides: [number, number],
  padding: 'same' | 'valid',
  dilation: [number, number] = [1, 1],
): Tensor {
  const k = dilation[0] > 1 || dilation[1] > 1 ? dilateKernel(kernel, dilation) : kernel;
  if (hasDepthwiseGradKernels()) return depthwiseConv2d(x as Tensor4D, k as Tensor4D, strides, padding);
  const op = customGrad((xIn, kIn, save) => {
    (save as GradSaveFunc)([xIn as Tensor, kIn as Tensor]);
    return {
      value: depthwiseConv2d(xIn as Tensor4D, kIn as Tensor4D, strides, padding),
      gradFunc: (dy: Tensor, saved: Tensor[]) => depthwiseGrads(saved[0], saved[1], dy, strides, padding),
    };
  });
  return op(x, k);
}

function hasDepthwiseGradKernels(): boolean {
  const backend = getBackend();
  return (
    getKernel('DepthwiseConv2dNativeBackpropInput', backend) !== undefined &&
    getKernel('DepthwiseConv2dNativeBackpropFilter', backend) !== undefined
  );
}

/** tfjs's 'same' padding along one axis: [before, after]. */
function samePads(input: number, output: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((output - 1) * stride + kernel - input, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * The gradients of `y = depthwiseConv2d(x, k, strides, padding)` (undilated) with respect to x and k,
 * from Pad, StridedSlice, Reverse, Concat, Sum, Multiply and the forward depthwise kernel only. The work
 * grows with output size x kernel size, as with the stock kernels (a conv2d with a block-diagonal kernel
 * would also give these gradients, at channels times the cost):
 * - dx is a stride-1 depthwise convolution of dy (spread out by the strides, padded) with the spatially
 *   flipped kernel, one filter per (channel, multiplier) pair, summed over the multiplier;
 * - dk at tap (i, j) is the sum over batch and positions of the input window at (i, j) times dy.
 */
function depthwiseGrads(
  x: Tensor,
  k: Tensor,
  dy: Tensor,
  [sh, sw]: [number, number],
  padding: 'same' | 'valid',
): [Tensor, Tensor] {
  const [batch, h, w, c] = x.shape as number[];
  const [kh, kw, , m] = k.shape as number[];
  const [, oh, ow] = dy.shape as number[];
  const [top, bottom] = padding === 'same' ? samePads(h, oh, kh, sh) : [0, 0];
  const [left, right] = padding === 'same' ? samePads(w, ow, kw, sw) : [0, 0];

  // dx: dy with strides - 1 zeros between its rows and columns, padded so that a valid correlation
  // with the flipped kernel lands exactly on x's h x w.
  const u = spreadOut(dy, sh, sw);
  const [, uh, uw] = u.shape as number[];
  const padded = pad(u, [
    [0, 0],
    [kh - 1 - top, h + top - uh],
    [kw - 1 - left, w + left - uw],
    [0, 0],
  ]);
  const flipped = reverse(k, [0, 1]).reshape([kh, kw, c * m, 1]);
  let dx = depthwiseConv2d(padded as Tensor4D, flipped as Tensor4D, 1, 'valid') as Tensor;
  if (m > 1) {
    // Input channel c collects the gradients of its m outputs.
    dx = dx
      .reshape([batch * h * w, c, m])
      .sum(2)
      .reshape([batch, h, w, c]);
  }

  // dk: one [channels, multiplier] sum per kernel tap.
  const xp =
    padding === 'same'
      ? pad(x, [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ])
      : x;
  const n = batch * oh * ow;
  const dyr = dy.reshape([n, c, m]);
  const taps: Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const window = stridedSlice(
        xp,
        [0, i, j, 0],
        [batch, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, c],
        [1, sh, sw, 1],
      );
      taps.push(window.reshape([n, c, 1]).mul(dyr).sum(0));
    }
  }
  const dk = stack(taps).reshape([kh, kw, c, m]);
  return [dx, dk];
}

/** [b, h, w, c] -> [b, (h-1)sh+1, (w-1)sw+1, c] with sh-1 (sw-1) zero rows (columns) between. Rank 4 only. */
function spreadOut(t: Tensor, sh: number, sw: number): Tensor {
  const [b, , w, c] = t.shape as number[];
  let h = t.shape[1] as number;
  let u = t;
  if (sh > 1) {
    u = concat([u.reshape([b, h, 1, w * c]), zeros([b, h, sh - 1, w * c])], 2)
      .reshape([b, h * sh, w, c])
      .slice([0, 0, 0, 0], [b, (h - 1) * sh + 1, w, c]);
    h = (h - 1) * sh + 1;
  }
  if (sw > 1) {
    u = concat([u.reshape([b * h, w, 1, c]), zeros([b * h, w, sw - 1, c])], 2)
      .reshape([b, h, w * sw, c])
      .slice([0, 0, 0, 0], [b, h, (w - 1) * sw + 1, c]);
  }
  return u;
}
