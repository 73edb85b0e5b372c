import {
  concat,
  customGrad,
  depthwiseConv2d,
  type GradSaveFunc,
  getBackend,
  getKernel,
  pad,
  reverse,
  stack,
  stridedSlice,
  type Tensor,
  type Tensor4D,
  tidy,
  zeros,
} from '#tfjs';
import { NeuriteError } from '../errors.js';
import { intPair } from './args.js';
import { dilateFilter } from './dilate_filter.js';

/** The window options of `depthwiseConvolve`. */
export interface DepthwiseConvolveOptions {
  /** Steps between windows, one number or [rows, columns]; default 1. */
  strides?: number | [number, number];
  /** 'valid' (default) keeps whole windows only; 'same' pads as TensorFlow does, ceil(size / stride) out. */
  padding?: 'same' | 'valid';
  /** Dilation rates, one number or [rows, columns]; default 1. May be combined with strides above 1. */
  dilationRate?: number | [number, number];
}

/**
 * A depthwise 2-D convolution of `x` (`[batch, height, width, channels]`) with `filter`
 * (`[kh, kw, channels, multiplier]`), as tfjs's `depthwiseConv2d` (output channel
 * `c * multiplier + m` is channel `c` under filter `m`), that can be differentiated on every backend.
 *
 * What tfjs 4.22 lacks, and what this does instead:
 * - No gradient for dilation rates above 1 (`grad` throws "dilation rates greater than 1 are not yet
 *   supported"): a dilated filter is spread out with zeros (`dilateFilter`) and convolved undilated.
 * - tfjs's wasm backend has no DepthwiseConv2dNativeBackpropInput or ...BackpropFilter kernel, so its
 *   depthwiseConv2d cannot be differentiated at all. On a backend without them the forward pass runs
 *   its own depthwise kernel and the backward pass is built from ops it has (Pad, StridedSlice,
 *   Reverse, Concat, Sum, Multiply and the forward depthwise kernel). Backends with the kernels (cpu,
 *   webgpu) take tfjs's own gradient.
 *
 * @example
 * ```ts
 * import { depthwiseConvolve, grad, ones, tensor4d, useBackend } from '@neurite/core';
 * await useBackend('wasm');
 * const x = tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
 * const k = ones([2, 2, 1, 1]);
 * console.log(Array.from(await depthwiseConvolve(x, k, { dilationRate: 2 }).data())); // [ 20 ]
 * // tfjs's own depthwiseConv2d has no gradient here: not on wasm, not with dilation.
 * const dx = grad((t) => depthwiseConvolve(t, k, { dilationRate: 2 }).sum())(x);
 * console.log(Array.from(await dx.data())); // [ 1, 0, 1, 0, 0, 0, 1, 0, 1 ]
 * ```
 */
export function depthwiseConvolve(x: Tensor, filter: Tensor, options: DepthwiseConvolveOptions = {}): Tensor4D {
  const strides = intPair('depthwiseConvolve', 'strides', options.strides ?? 1);
  const dilation = intPair('depthwiseConvolve', 'dilationRate', options.dilationRate ?? 1);
  const padding = options.padding ?? 'valid';
  if (padding !== 'same' && padding !== 'valid') {
    throw new NeuriteError(
      `depthwiseConvolve: padding must be 'same' or 'valid'. Received: padding=${JSON.stringify(padding)}.`,
    );
  }
  return tidy(() => {
    const k = dilateFilter(filter, dilation) as Tensor4D;
    if (hasDepthwiseGradKernels()) return depthwiseConv2d(x as Tensor4D, k, strides, padding);
    const op = customGrad((xIn, kIn, save) => {
      // The value first: a save() before a kernel that throws would leak its copies.
      const value = depthwiseConv2d(xIn as Tensor4D, kIn as Tensor4D, strides, padding);
      (save as GradSaveFunc)([xIn as Tensor, kIn as Tensor]);
      return {
        value,
        gradFunc: (dy: Tensor, saved: Tensor[]) => depthwiseGrads(saved[0], saved[1], dy, strides, padding),
      };
    });
    return op(x, k) as Tensor4D;
  });
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
