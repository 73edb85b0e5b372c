import { backend_util, engine, getGradient, registerGradient, step, type Tensor, type Tensor4D } from '#tfjs';
import { NeuriteError } from '../errors.js';
import { intPair } from './args.js';

/** The options of `conv2dBiasRelu`. */
export interface Conv2dBiasReluOptions {
  /** Steps between windows, one number or [rows, columns]; default 1. */
  strides?: number | [number, number];
  /** 'valid' (default) keeps whole windows only; 'same' pads as TensorFlow does, ceil(size / stride) out. */
  padding?: 'same' | 'valid';
  /** Added to every position's channels: a 1-D tensor of the filter's output channels. */
  bias?: Tensor;
  /** 'relu' clamps the sum at 0; 'linear' (default) leaves it. */
  activation?: 'linear' | 'relu';
}

/**
 * `relu(conv2d(x, filter) + bias)` (NHWC, no dilation) as one FusedConv2D kernel, with a gradient: the
 * convolution's two gradient kernels on ReLU's mask of the output, and the bias's as a sum of it; only
 * the gradients the tape needs are computed.
 * Neurite's wasm kernel adds the bias and clamps as it stores the product, so a training step makes one
 * pass over the layer's output instead of three. Why not tfjs's `fused.conv2d`: while gradients are being
 * recorded it runs a ReLU layer as three separate ops, conv2d, add and relu.
 *
 * @example
 * ```ts
 * import { conv2dBiasRelu, tensor1d, tensor4d, useBackend } from '@neurite/core';
 * await useBackend('wasm');
 * const x = tensor4d([1, -2, 3, -4], [1, 2, 2, 1]);
 * const filter = tensor4d([1], [1, 1, 1, 1]);
 * const y = conv2dBiasRelu(x, filter, { bias: tensor1d([0.5]), activation: 'relu' });
 * console.log(Array.from(await y.data())); // [ 1.5, 0, 3.5, 0 ]
 * ```
 */
export function conv2dBiasRelu(x: Tensor4D, filter: Tensor4D, options: Conv2dBiasReluOptions = {}): Tensor4D {
  const strides = intPair('conv2dBiasRelu', 'strides', options.strides ?? 1);
  const padding = options.padding ?? 'valid';
  const activation = options.activation ?? 'linear';
  if (padding !== 'same' && padding !== 'valid') {
    throw new NeuriteError(
      `conv2dBiasRelu: padding must be 'same' or 'valid'. Received: padding=${JSON.stringify(padding)}.`,
    );
  }
  if (activation !== 'linear' && activation !== 'relu') {
    throw new NeuriteError(
      `conv2dBiasRelu: activation must be 'linear' or 'relu'. Received: activation=${JSON.stringify(activation)}. ` +
        'Apply any other activation to the linear result.',
    );
  }
  if (x.rank !== 4 || filter.rank !== 4) {
    throw new NeuriteError(
      `conv2dBiasRelu: x must be rank 4 [batch, height, width, channels] and filter rank 4 [kh, kw, in, out]. ` +
        `Received x ${JSON.stringify(x.shape)} and filter ${JSON.stringify(filter.shape)}.`,
    );
  }
  if (filter.shape[2] !== x.shape[3]) {
    throw new NeuriteError(
      `conv2dBiasRelu: the filter's input channels (${filter.shape[2]}) must match x's channels (${x.shape[3]}). ` +
        `Received x ${JSON.stringify(x.shape)} and filter ${JSON.stringify(filter.shape)}.`,
    );
  }
  const bias = options.bias;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== filter.shape[3])) {
    throw new NeuriteError(
      `conv2dBiasRelu: bias must be 1-D with the filter's ${filter.shape[3]} output channels. Received shape ${JSON.stringify(bias.shape)}.`,
    );
  }
  for (const [name, t] of [
    ['x', x],
    ['filter', filter],
    ['bias', bias],
  ] as const) {
    if (t && t.dtype !== 'float32') {
      throw new NeuriteError(`conv2dBiasRelu: ${name} must be float32. Received dtype ${t.dtype}; cast it first.`);
    }
  }
  registerFusedConv2DGradient();
  const attrs = { strides, pad: padding, dataFormat: 'NHWC', dilations: [1, 1], activation, biasShape: bias?.shape };
  const inputs: Record<string, Tensor> = bias ? { x, filter, bias } : { x, filter };
  return engine().runKernel('FusedConv2D', inputs, attrs as never) as Tensor4D;
}

let registered = false;

/**
 * A gradient for the FusedConv2D kernel, which tfjs 4.22 has none of (its fused.conv2d differentiates
 * through customGrad, and not at all with a ReLU). Registered on first use, unless tfjs has one by then.
 * ReLU's mask is taken once per node, eagerly, and shared by the inputs' lazy gradients: the tape only
 * calls those of inputs on the path to what is differentiated (no dx for a first layer).
 */
function registerFusedConv2DGradient(): void {
  if (registered) return;
  registered = true;
  if (getGradient('FusedConv2D')) return;
  registerGradient({
    kernelName: 'FusedConv2D',
    // A missing bias cannot be saved: its shape travels in the attributes (biasShape) instead.
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved;
      const a = attrs as unknown as FusedAttrs;
      const dilated = [a.dilations ?? 1].flat().some((d) => d !== 1);
      if ((a.activation !== 'linear' && a.activation !== 'relu') || dilated || a.dataFormat === 'NCHW') {
        throw new NeuriteError(
          `FusedConv2D's gradient covers activation 'linear' and 'relu', undilated NHWC only. Received: activation ` +
            `'${a.activation}', dilations ${JSON.stringify(a.dilations)}, dataFormat '${a.dataFormat}'. ` +
            'Run conv2d and the activation as separate ops to differentiate them.',
        );
      }
      const d = a.activation === 'relu' ? (dy as Tensor).mul(step(y)) : (dy as Tensor);
      const conv = { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dimRoundingMode: a.dimRoundingMode };
      const grads: Record<string, () => Tensor> = {
        x: () =>
          engine().runKernel('Conv2DBackpropInput', { dy: d, filter }, {
            ...conv,
            inputShape: x.shape,
          } as never) as Tensor,
        filter: () =>
          engine().runKernel('Conv2DBackpropFilter', { x, dy: d }, {
            ...conv,
            filterShape: filter.shape,
          } as never) as Tensor,
      };
      // Asked for only where the node has a bias (the tape differentiates the inputs it has).
      grads.bias = () => {
        const shape = a.biasShape ?? [d.shape[3] as number];
        const axes = backend_util.getReductionAxes(shape, d.shape);
        return (axes.length ? d.sum(axes) : d).reshape(shape);
      };
      return grads;
    },
  });
}

interface FusedAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation: string;
  biasShape?: number[];
}
