import * as tf from '#tfjs';
import { requireStockKernel } from '../internal/stock_kernels.js';
import { heapOffset, simdKernels } from '../simd/module.js';
import { type ConvEpilogue, gemmConv, gemmConvForward } from './conv2d_gemm_wasm.js';

const stock = () => requireStockKernel('Conv2D', 'wasm');

interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Conv2D for wasm on Neurite's matrix product (im2col, then P x W: see conv2d_gemm_wasm.ts). XNNPACK's
 * convolution in tfjs 4.22 runs conv2 of the MNIST CNN at 26-30 GFLOP/s on one core; this runs it at
 * the product's rate. Dilated, NCHW and non-float32 convolutions, patches under 16 values deep, and
 * runtimes without wasm SIMD take tfjs's kernel.
 */
export const wasmConv2D: tf.KernelConfig = {
  kernelName: 'Conv2D',
  backendName: 'wasm',
  setupFunc: (backend) => stock().setupFunc?.(backend),
  kernelFunc: (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    return (
      convolve(x, filter, args.attrs as unknown as Conv2DAttrs, args.backend, {}) ??
      (stock().kernelFunc(args) as tf.TensorInfo)
    );
  },
};

const stockFused = () => requireStockKernel('FusedConv2D', 'wasm');

/**
 * FusedConv2D for wasm (conv2d, + bias, then ReLU or nothing: what conv2dBiasRelu runs) on the same
 * kernels, the bias added and the ReLU taken as the product is stored. Other activations, PReLU weights,
 * a bias of another shape and the cases Conv2D leaves to tfjs take tfjs's fused kernel.
 */
export const wasmFusedConv2D: tf.KernelConfig = {
  kernelName: 'FusedConv2D',
  backendName: 'wasm',
  setupFunc: (backend) => stockFused().setupFunc?.(backend),
  kernelFunc: (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const a = args.attrs as unknown as Conv2DAttrs & { activation?: string };
    const activation = a.activation ?? 'linear';
    const co = filter?.shape[3];
    const plainBias = !bias || (bias.shape.length === 1 && bias.shape[0] === co && bias.dtype === 'float32');
    if (x && filter && !preluActivationWeights && plainBias && (activation === 'linear' || activation === 'relu')) {
      const y = convolve(x, filter, a, args.backend, { bias, relu: activation === 'relu' });
      if (y) return y;
    }
    return stockFused().kernelFunc(args) as tf.TensorInfo;
  },
};

/** Neurite's convolution for this case, or null where tfjs's kernel should run. */
function convolve(
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  a: Conv2DAttrs,
  backend: unknown,
  epilogue: ConvEpilogue,
): tf.TensorInfo | null {
  if (a.dataFormat === 'NCHW' || x.shape.length !== 4 || filter.shape.length !== 4) return null;
  if (filter.shape[2] !== x.shape[3]) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    a.strides,
    a.dilations,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  const one = oneChannel(x, filter, info, backend, epilogue);
  if (one) return one;
  const g = gemmConv(info, backend, x.dtype, filter.dtype);
  // Shallow patches leave the product's tiles mostly loading and storing: XNNPACK's direct
  // convolution ran conv1 of the MNIST CNN (K = 3*3*1) in 3.7 ms against 5.5 (batch 128, Node 20).
  if (g && g.k >= 16) return gemmConvForward(x, filter, g, backend, epilogue);
  return null;
}

/**
 * A first layer on one-channel images (stride 1, no padding, no dilation, co a multiple of 8) with
 * Neurite's register-tiled kernel (conv1-wat.mjs convForwardC1Wat): conv1 of the MNIST CNN at batch 128,
 * bias and ReLU included, in 1.2 ms on Node 24 (6 positions x 16 channels) and 2.3 on Node 20 (4 x 8),
 * against 3.6-3.8 for XNNPACK's convolution alone. Null when the case or the runtime does not fit.
 */
function oneChannel(
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  backend: unknown,
  epilogue: ConvEpilogue,
): tf.TensorInfo | null {
  const { inChannels, outChannels: co, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw } = info;
  const plain = strideHeight === 1 && strideWidth === 1 && dilationHeight === 1 && dilationWidth === 1;
  const valid = info.padInfo.top === 0 && info.padInfo.left === 0 && oh === h - fh + 1 && ow === w - fw + 1;
  if (oh <= 0 || ow <= 0) return null;
  if (inChannels !== 1 || co % 8 !== 0 || !plain || !valid || x.dtype !== 'float32' || filter.dtype !== 'float32') {
    return null;
  }
  const simd = simdKernels(backend);
  if (!simd) return null;
  const kernel = simd.convC1x16 && co % 16 === 0 ? simd.convC1x16 : simd.convC1x8;
  // biome-ignore lint/suspicious/noExplicitAny: BackendWasm's makeOutput is not in tfjs's public types.
  const wasm = backend as any;
  const y: tf.TensorInfo = wasm.makeOutput([info.batchSize, oh, ow, co], 'float32');
  const at = (t: tf.TensorInfo) => heapOffset(wasm, t.dataId);
  const act = (epilogue.bias ? 1 : 0) | (epilogue.relu ? 2 : 0);
  const bias = epilogue.bias ? at(epilogue.bias) : 0;
  kernel(at(x), at(filter), at(y), info.batchSize, h, w, oh, ow, fh, fw, co, bias, act);
  return y;
}
