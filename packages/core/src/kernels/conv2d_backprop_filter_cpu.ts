import type * as tf from '#tfjs';
import { type Conv2DBackpropFilterAttrs, conv2dFilterInfo } from './conv_info.js';

/**
 * dW for conv2d on tfjs's cpu backend. tfjs-backend-cpu's own kernel reads every element through
 * TensorBuffer.get() inside a seven-deep loop (minutes per batch); this one walks typed arrays so that
 * the innermost loop runs over output channels, contiguous in both dy and dW, and skips zero inputs
 * (common after relu).
 */
export const cpuConv2DBackpropFilter: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const info = conv2dFilterInfo(x, dy, attrs as unknown as Conv2DBackpropFilterAttrs);
    // biome-ignore lint/suspicious/noExplicitAny: MathBackendCPU's data store is untyped in tfjs's public types.
    const cpu = backend as any;
    const xv = cpu.data.get(x.dataId).values as Float32Array;
    const dyv = cpu.data.get(dy.dataId).values as Float32Array;
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
    const { outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const dw = new Float32Array(fh * fw * ci * co);

    for (let b = 0; b < n; b++) {
      for (let y = 0; y < oh; y++) {
        for (let kh = 0; kh < fh; kh++) {
          const iy = y * sh - top + kh;
          if (iy < 0 || iy >= h) continue;
          for (let xo = 0; xo < ow; xo++) {
            const dyOff = ((b * oh + y) * ow + xo) * co;
            for (let kw = 0; kw < fw; kw++) {
              const ix = xo * sw - left + kw;
              if (ix < 0 || ix >= w) continue;
              const xOff = ((b * h + iy) * w + ix) * ci;
              const wBase = (kh * fw + kw) * ci * co;
              for (let c = 0; c < ci; c++) {
                const xval = xv[xOff + c];
                if (xval === 0) continue;
                const wOff = wBase + c * co;
                for (let o = 0; o < co; o++) dw[wOff + o] += xval * dyv[dyOff + o];
              }
            }
          }
        }
      }
    }
    return cpu.makeTensorInfo([fh, fw, ci, co], 'float32', dw);
  },
};
