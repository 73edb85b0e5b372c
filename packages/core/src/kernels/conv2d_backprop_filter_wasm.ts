import * as tf from '#tfjs';
import { heapOffset, simdKernels } from '../simd/module.js';
import { type Conv2DBackpropFilterAttrs, conv2dFilterInfo } from './conv_info.js';
import { gemmConv, gemmConvFilterGrad } from './conv2d_gemm_wasm.js';

type Run = (name: string, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>) => tf.TensorInfo;

/**
 * The matrix-product route (byMatMul) when the patch matrix is at most half the size of dY: XNNPACK
 * re-packs one operand of each route on every call, P [N, K] here and dY [N, CO] in the convolution,
 * and that packing dominates. Measured on the 2-core dev machine, batch 128, a fresh dY per call as in
 * training: 1.6x for the MNIST CNN's first layer (K = 3*3*1, CO = 32), 1.6-2.5x for 1x1 convolutions
 * with K <= CO/2, and 0.7-0.9x where K is near CO or above it.
 */
function prefersMatMul(info: tf.backend_util.Conv2DInfo): boolean {
  return 2 * info.filterHeight * info.filterWidth * info.inChannels <= info.outChannels;
}

/**
 * dW for conv2d on the wasm backend, which tfjs 4.22 lacks:
 *
 *   dW[kh, kw, ci, co] = sum over (b, y, x) of X[b, y*s + kh - pad, x*s + kw - pad, ci] * dY[b, y, x, co]
 *
 * One-channel first layers run on Neurite's SIMD kernel; the other two routes hand the multiply-adds to
 * wasm's XNNPACK kernels. Intermediates are made and freed on the backend directly, so nothing reaches
 * the engine's tensor count.
 */
export const wasmConv2DBackpropFilter: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const info = conv2dFilterInfo(x, dy, args.attrs as unknown as Conv2DBackpropFilterAttrs);
    const one = simdOneChannel(x, dy, info, args.backend);
    if (one) return one;
    const g = gemmConv(info, args.backend, x.dtype, dy.dtype);
    if (g) return gemmConvFilterGrad(x, dy, g, args.backend);
    return filterGrad(x, dy, info, args.backend, prefersMatMul);
  },
};

/**
 * A first layer on one-channel images (stride 1, no padding, no dilation, CO a multiple of 4) with
 * Neurite's SIMD kernel: three taps by 8 (or 4) channels in registers over each image's positions, X read
 * in place. XNNPACK's routes spend most of their time there on transposes and packing: 1.8 ms against
 * 4.0-5.5 for the MNIST CNN's conv1 at batch 128. Null when the case or the runtime does not fit.
 */
function simdOneChannel(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  backend: unknown,
): tf.TensorInfo | null {
  const { inChannels, outChannels: co, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw } = info;
  const plain = strideHeight === 1 && strideWidth === 1 && dilationHeight === 1 && dilationWidth === 1;
  const valid = info.padInfo.top === 0 && info.padInfo.left === 0 && oh === h - fh + 1 && ow === w - fw + 1;
  if (inChannels !== 1 || co % 4 !== 0 || !plain || !valid || x.dtype !== 'float32') return null;
  const simd = simdKernels(backend);
  if (!simd) return null;
  // biome-ignore lint/suspicious/noExplicitAny: BackendWasm's makeOutput is not in tfjs's public types.
  const wasm = backend as any;
  const dw: tf.TensorInfo = wasm.makeOutput([fh, fw, 1, co], 'float32');
  const at = (t: tf.TensorInfo) => heapOffset(wasm, t.dataId);
  // Registers over each image's positions (conv1-wat.mjs convFilterGradC1Wat), 8 or 4 channels at a time.
  const tiled = co % 8 === 0 ? simd.convFilterGradC1x8 : simd.convFilterGradC1x4;
  tiled(at(x), at(dy), at(dw), info.batchSize, h, w, oh, ow, fh, fw, co);
  return dw;
}

/**
 * The same kernel held to the dilated-convolution route for every shape: not registered, kept so that
 * the kernel benchmark can compare the two routes on the same shapes.
 */
export const wasmConv2DBackpropFilterDilated: tf.KernelConfig = {
  ...wasmConv2DBackpropFilter,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const info = conv2dFilterInfo(x, dy, attrs as unknown as Conv2DBackpropFilterAttrs);
    return filterGrad(x, dy, info, backend, () => false);
  },
};

function filterGrad(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  kernelBackend: unknown,
  useMatMul: (info: tf.backend_util.Conv2DInfo) => boolean,
): tf.TensorInfo {
  const backend = kernelBackend as tf.KernelBackend;
  const temps: tf.TensorInfo[] = [];
  const run: Run = (name, ins, at) => {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
    const out = kernel.kernelFunc({ inputs: ins, backend, attrs: at as tf.NamedAttrMap }) as tf.TensorInfo;
    temps.push(out);
    return out;
  };
  try {
    const dw = useMatMul(info) ? byMatMul(x, dy, info, backend, temps, run) : byDilatedConv(x, dy, info, run);
    temps.splice(temps.indexOf(dw), 1); // dw is the kernel's output: the engine owns it from here
    return dw;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/**
 * dW as one product, (dY^T [CO, N] x P [N, K])^T, where row p of P holds the K = kh*kw*ci input values
 * that meet the filter at output position p (0 in the padding), N = B*OH*OW. XNNPACK packs the second
 * operand of BatchMatMul whenever its tensor is new, so P goes second: dY is new at every training
 * step too, and is the larger. Transposing dY for the first operand is a plain copy.
 */
function byMatMul(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  backend: tf.KernelBackend,
  temps: tf.TensorInfo[],
  run: Run,
): tf.TensorInfo {
  const { batchSize: n, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, inChannels: ci } = info;
  const positions = n * oh * ow;
  const k = fh * fw * ci;
  const dy2 = run('Reshape', { x: dy }, { shape: [positions, co] });
  const dyt = run('Transpose', { x: dy2 }, { perm: [1, 0] });
  dyt.shape = [1, co, positions];
  // biome-ignore lint/suspicious/noExplicitAny: BackendWasm's heap accessors are not in tfjs's public types.
  const wasm = backend as any;
  const patches: tf.TensorInfo = wasm.makeOutput([1, positions, k], 'float32');
  temps.push(patches);
  // Heap views go stale when the heap grows: take them after the last makeOutput.
  fillPatches(wasm.typedArrayFromHeap(x), info, wasm.typedArrayFromHeap(patches));
  const dwt = run('BatchMatMul', { a: dyt, b: patches }, { transposeA: false, transposeB: false });
  const dw: tf.TensorInfo = wasm.makeOutput([fh, fw, ci, co], 'float32');
  temps.push(dw);
  const src = wasm.typedArrayFromHeap(dwt) as Float32Array;
  const dst = wasm.typedArrayFromHeap(dw) as Float32Array;
  for (let o = 0; o < co; o++) for (let j = 0; j < k; j++) dst[j * co + o] = src[o * k + j];
  return dw;
}

function fillPatches(x: Float32Array, info: tf.backend_util.Conv2DInfo, patches: Float32Array): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const k = fh * fw * ci;
  // Taps that fall in the padding are skipped below, so they must start at 0.
  const padded = top > 0 || left > 0 || (oh - 1) * sh + fh - top > h || (ow - 1) * sw + fw - left > w;
  if (padded) patches.fill(0);
  for (let kh = 0; kh < fh; kh++) {
    for (let kw = 0; kw < fw; kw++) {
      // The output columns [x0, x1) whose input column for this tap lies inside the image.
      const x0 = Math.max(0, Math.ceil((left - kw) / sw));
      const x1 = Math.min(ow, Math.floor((w - 1 + left - kw) / sw) + 1);
      if (x1 <= x0) continue;
      const tap = (kh * fw + kw) * ci;
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < oh; y++) {
          const iy = y * sh - top + kh;
          if (iy < 0 || iy >= h) continue;
          let dst = ((b * oh + y) * ow + x0) * k + tap;
          let src = ((b * h + iy) * w + x0 * sw - left + kw) * ci;
          for (let xo = x0; xo < x1; xo++, dst += k, src += sw * ci) {
            for (let c = 0; c < ci; c++) patches[dst + c] = x[src + c];
          }
        }
      }
    }
  }
}

/**
 * dW as a convolution. Put ci where the batch was and b where the channels were, X' = X^T[ci, H, W, B],
 * use dY as the filter, F' = dY^T[OH, OW, B, CO], and run a stride-1 conv whose *dilation* is the
 * original stride. Its output [ci, KH, KW, CO] transposed is dW.
 */
function byDilatedConv(x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, run: Run): tf.TensorInfo {
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
  return run('Transpose', { x: conv }, { perm: [1, 2, 0, 3] });
}
