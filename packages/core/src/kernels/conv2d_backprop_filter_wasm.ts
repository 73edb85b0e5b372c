import * as tf from '#tfjs';
import { type Conv2DBackpropFilterAttrs, conv2dFilterInfo } from './conv_info.js';

type Run = (name: string, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>) => tf.TensorInfo;

/**
 * dW for conv2d on the wasm backend, which tfjs 4.22 lacks. It is itself a convolution:
 *
 *   dW[kh, kw, ci, co] = sum over (b, y, x) of X[b, y*s + kh - pad, x*s + kw - pad, ci] * dY[b, y, x, co]
 *
 * Put ci where the batch was and b where the channels were, X' = X^T[ci, H, W, B], use dY as the filter,
 * F' = dY^T[OH, OW, B, CO], and run a stride-1 conv whose *dilation* is the original stride. Its output
 * [ci, KH, KW, CO] transposed is dW. The heavy lifting is then wasm's fast (XNNPACK) Conv2D.
 * Intermediates are made and freed on the backend directly, so nothing reaches the engine's tensor count.
 */
export const wasmConv2DBackpropFilter: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const info = conv2dFilterInfo(x, dy, attrs as unknown as Conv2DBackpropFilterAttrs);
    const temps: tf.TensorInfo[] = [];
    const run: Run = (name, ins, at) => {
      const kernel = tf.getKernel(name, 'wasm');
      if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
      const out = kernel.kernelFunc({ inputs: ins, backend, attrs: at as tf.NamedAttrMap }) as tf.TensorInfo;
      temps.push(out);
      return out;
    };
    try {
      const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw } = info;
      const { strideHeight: sh, strideWidth: sw } = info;
      const { top, left } = info.padInfo;
      // Bottom/right padding that makes the new conv's output exactly fh x fw; negative means the
      // original conv never reads those last rows/columns, so cut them instead.
      const bottom = fh + (oh - 1) * sh - h - top;
      const right = fw + (ow - 1) * sw - w - left;
      let xs: tf.TensorInfo = x;
      if (bottom < 0 || right < 0) {
        const size = [x.shape[0], h + Math.min(bottom, 0), w + Math.min(right, 0), x.shape[3]];
        xs = run('Slice', { x }, { begin: [0, 0, 0, 0], size });
      }
      const xt = run('Transpose', { x: xs }, { perm: [3, 1, 2, 0] });
      const dyt = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      const pad = [
        [0, 0],
        [top, Math.max(bottom, 0)],
        [left, Math.max(right, 0)],
        [0, 0],
      ];
      const conv = run(
        'Conv2D',
        { x: xt, filter: dyt },
        { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined },
      );
      const dw = run('Transpose', { x: conv }, { perm: [1, 2, 0, 3] });
      temps.pop(); // dw is the kernel's output: the engine owns it from here
      return dw;
    } finally {
      for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
    }
  },
};
