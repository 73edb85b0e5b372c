import * as tf from '#tfjs';
import { requireStockKernel } from '../internal/stock_kernels.js';
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
      const g = filter.shape[2] === x.shape[3] ? gemmConv(info, args.backend, x.dtype, filter.dtype) : null;
      // Shallow patches (conv1 of the MNIST CNN: K = 3*3*1) leave the product's tiles mostly loading and
      // storing: XNNPACK's direct convolution ran that one in 3.7 ms against 5.5 (batch 128, Node 20).
      if (g && g.k >= 16) return gemmConvForward(x, filter, g, args.backend);
    }
    return stock().kernelFunc(args) as tf.TensorInfo;
  },
};
