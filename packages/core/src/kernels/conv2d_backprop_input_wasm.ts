import * as tf from '#tfjs';
import { NeuriteError } from '../errors.js';
import { gemmConv, gemmConvInputGrad } from './conv2d_gemm_wasm.js';

interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * dx for conv2d on wasm. tfjs 4.22's kernel runs at about 2 GFLOP/s (two thirds of a training step of
 * the Keras MNIST CNN); this one is a plain convolution that wasm's XNNPACK Conv2D runs at full speed:
 *
 *   dx = conv2d(dilate(dy, stride), rot180(W) with in/out swapped), stride 1,
 *        padded K-1-pad at the top/left and what makes the output H x W at the bottom/right.
 *
 * The dilation (zeros between dy's rows and columns, for strides > 1) and the filter flip are memory
 * moves done here in JS on the wasm heap; every intermediate is freed on the backend.
 */
export const wasmConv2DBackpropInput: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as Conv2DBackpropInputAttrs;
    if (a.dataFormat === 'NCHW') {
      throw new NeuriteError(
        "Conv2DBackpropInput: Neurite's wasm kernel supports dataFormat 'NHWC' only. Received: 'NCHW'.",
      );
    }
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    const want = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
    if (filter.shape[2] !== a.inputShape[3] || dy.shape.length !== 4 || dy.shape.some((d, i) => d !== want[i])) {
      throw new NeuriteError(
        `Conv2DBackpropInput: dy must have shape [${want.join(', ')}] and the filter ${a.inputShape[3]} input channels ` +
          `for an input of shape ${JSON.stringify(a.inputShape)}. Received dy ${JSON.stringify(dy.shape)} and filter ` +
          `${JSON.stringify(filter.shape)}.`,
      );
    }
    const g = gemmConv(info, backend, dy.dtype, filter.dtype);
    if (g) return gemmConvInputGrad(dy, filter, g, backend);
    // biome-ignore lint/suspicious/noExplicitAny: BackendWasm's heap accessors are not in tfjs's public types.
    const wasm = backend as any;
    const {
      batchSize: n,
      inHeight: h,
      inWidth: w,
      inChannels: ci,
      outHeight: oh,
      outWidth: ow,
      outChannels: co,
    } = info;
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const padTop = kh - 1 - info.padInfo.top;
    const padLeft = kw - 1 - info.padInfo.left;
    // Rows of the dilated dy that the stride-1 conv reads; cut any that would need negative padding.
    const dh = (oh - 1) * sh + 1;
    const dw = (ow - 1) * sw + 1;
    const padBottom = h + kh - 1 - dh - padTop;
    const padRight = w + kw - 1 - dw - padLeft;
    const useH = dh + Math.min(padBottom, 0);
    const useW = dw + Math.min(padRight, 0);
    const temps: tf.TensorInfo[] = [];
    try {
      const flipped = wasm.makeOutput([kh, kw, co, ci], 'float32');
      temps.push(flipped);
      let dyd: tf.TensorInfo = dy;
      if (sh > 1 || sw > 1 || useH !== dh || useW !== dw) {
        dyd = wasm.makeOutput([n, useH, useW, co], 'float32');
        temps.push(dyd);
      }
      // Heap views go stale when the heap grows: take them after the last makeOutput.
      const wv = wasm.typedArrayFromHeap(filter) as Float32Array;
      const fv = wasm.typedArrayFromHeap(flipped) as Float32Array;
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          for (let i = 0; i < ci; i++) {
            const src = ((y * kw + x) * ci + i) * co;
            const dstBase = ((kh - 1 - y) * kw + (kw - 1 - x)) * co * ci + i;
            for (let o = 0; o < co; o++) fv[dstBase + o * ci] = wv[src + o];
          }
      if (dyd !== dy) {
        const src = wasm.typedArrayFromHeap(dy) as Float32Array;
        const dst = wasm.typedArrayFromHeap(dyd) as Float32Array;
        dst.fill(0);
        for (let b = 0; b < n; b++)
          for (let y = 0; y < oh && y * sh < useH; y++)
            for (let x = 0; x < ow && x * sw < useW; x++) {
              const s = ((b * oh + y) * ow + x) * co;
              dst.set(src.subarray(s, s + co), ((b * useH + y * sh) * useW + x * sw) * co);
            }
      }
      const conv = tf.getKernel('Conv2D', 'wasm');
      if (!conv) throw new Error('wasm backend has no Conv2D kernel');
      return conv.kernelFunc({
        inputs: { x: dyd, filter: flipped },
        backend,
        attrs: {
          strides: [1, 1],
          pad: [
            [0, 0],
            [padTop, Math.max(padBottom, 0)],
            [padLeft, Math.max(padRight, 0)],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          dilations: [1, 1],
        } as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo;
    } finally {
      for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
    }
  },
};
