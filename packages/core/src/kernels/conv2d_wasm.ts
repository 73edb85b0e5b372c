import * as tf from '#tfjs';
import { requireStockKernel } from '../internal/stock_kernels.js';
import { heapOffset, simdKernels } from '../simd/module.js';
import { gemmConv, gemmConvForward } from './conv2d_gemm_wasm.js';

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
    const a = args.attrs as unknown as Conv2DAttrs;
    if (a.dataFormat !== 'NCHW' && x.shape.length === 4 && filter.shape.length === 4) {
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
      if (filter.shape[2] !== x.shape[3]) return stock().kernelFunc(args) as tf.TensorInfo;
      const one = oneChannel(x, filter, info, args.backend);
      if (one) return one;
      const g = gemmConv(info, args.backend, x.dtype, filter.dtype);
      // Shallow patches leave the product's tiles mostly loading and storing: XNNPACK's direct
      // convolution ran conv1 of the MNIST CNN (K = 3*3*1) in 3.7 ms against 5.5 (batch 128, Node 20).
      if (g && g.k >= 16) return gemmConvForward(x, filter, g, args.backend);
    }
    return stock().kernelFunc(args) as tf.TensorInfo;
  },
};

/**
 * A first layer on one-channel images (stride 1, no padding, no dilation, co a multiple of 8) with
 * Neurite's register-tiled kernel (gemm-wat.mjs convForwardC1Wat): conv1 of the MNIST CNN at batch 128
 * in 1.8 ms against XNNPACK's 3.6 (Node 24; 2.1 against 3.8 in Node 20). Null when the case or the
 * runtime does not fit.
 */
function oneChannel(
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  backend: unknown,
): tf.TensorInfo | null {
  const { inChannels, outChannels: co, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw } = info;
  const plain = strideHeight === 1 && strideWidth === 1 && dilationHeight === 1 && dilationWidth === 1;
  const valid = info.padInfo.top === 0 && info.padInfo.left === 0 && oh === h - fh + 1 && ow === w - fw + 1;
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
  kernel(at(x), at(filter), at(y), info.batchSize, h, w, oh, ow, fh, fw, co);
  return y;
}
