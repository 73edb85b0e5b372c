import type * as tf from '#tfjs';
import { gemmAt } from '../simd/gemm.js';
import { heapOffset, type SimdKernels, simdKernels } from '../simd/module.js';

// biome-ignore lint/suspicious/noExplicitAny: BackendWasm's makeOutput and heap accessors are not in tfjs's public types.
type WasmBackend = any;

/**
 * Convolutions on Neurite's SIMD matrix product (kernels.wat): the patches of X as the rows of
 * P [B*OH*OW, KH*KW*CI] (im2col), then one product per direction with the filter W [KH*KW*CI, CO]
 * (the filter's own layout read as a matrix):
 *
 *   forward  Y  = P x W                      [B*OH*OW, CO]
 *   dW          = P^T x dY                   [KH*KW*CI, CO], P read transposed in place
 *   dX          = col2im(dY x W^T)           each row of dP added back where its patch came from
 *
 * P takes at most PATCH_FLOATS floats: larger batches run a slice of images at a time (dW adds the
 * slices' products up). NHWC, no dilation, float32: every other case returns null and the kernel takes
 * its previous path.
 */
const PATCH_FLOATS = 1 << 23; // 32 MiB

export interface GemmConv {
  simd: SimdKernels;
  info: tf.backend_util.Conv2DInfo;
  /** Rows of P per image, and its columns. */
  positions: number;
  k: number;
  /** Images per slice of P. */
  slice: number;
  /** 1x1, stride 1, no padding: P is X itself. */
  direct: boolean;
}

export function gemmConv(info: tf.backend_util.Conv2DInfo, backend: WasmBackend, ...dtypes: string[]): GemmConv | null {
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  if (dtypes.some((d) => d !== 'float32')) return null;
  // A filter larger than a 'valid' window gives tfjs's info negative output sizes: tfjs's kernels handle
  // (or refuse) that case as they always have.
  if (info.outHeight <= 0 || info.outWidth <= 0 || info.inHeight <= 0 || info.inWidth <= 0) return null;
  const simd = simdKernels(backend);
  if (!simd) return null;
  const positions = info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const { top, left } = info.padInfo;
  const direct =
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    top === 0 &&
    left === 0 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth;
  const slice = Math.max(1, Math.min(info.batchSize, Math.floor(PATCH_FLOATS / Math.max(1, positions * k))));
  return { simd, info, positions, k, slice, direct };
}

/** Runs im2col (backward = 0) or col2im (1) for images [b0, b0 + count) of x against p. */
function patches(g: GemmConv, x: number, p: number, b0: number, count: number, backward: number): void {
  const { inHeight: h, inWidth: w, inChannels: ci, filterHeight: kh, filterWidth: kw } = g.info;
  const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = g.info;
  const imageBytes = h * w * ci * 4;
  const { top, left } = g.info.padInfo;
  g.simd.im2col(x + b0 * imageBytes, p, count, h, w, ci, kh, kw, sh, sw, top, left, oh, ow, backward);
}

/** Calls body(b0, count, p) for each slice of images, with the slice's patches of x at p (X itself for a direct
 * 1x1 convolution); with x null, p is an empty scratch of a slice's patches for body to fill. */
function eachSlice(
  g: GemmConv,
  backend: WasmBackend,
  x: number | null,
  body: (b0: number, count: number, p: number) => void,
): void {
  const n = g.info.batchSize;
  if (g.direct && x !== null) {
    const imageBytes = g.positions * g.k * 4;
    for (let b0 = 0; b0 < n; b0 += g.slice) body(b0, Math.min(g.slice, n - b0), x + b0 * imageBytes);
    return;
  }
  const scratch: tf.TensorInfo = backend.makeOutput([Math.min(g.slice, n) * g.positions * g.k], 'float32');
  try {
    const p = heapOffset(backend, scratch.dataId);
    for (let b0 = 0; b0 < n; b0 += g.slice) {
      const count = Math.min(g.slice, n - b0);
      if (x !== null) patches(g, x, p, b0, count, 0);
      body(b0, count, p);
    }
  } finally {
    backend.disposeData(scratch.dataId);
  }
}

/** What a forward convolution does to its sums as it stores them: + bias[c], then max(0, .). */
export interface ConvEpilogue {
  bias?: tf.TensorInfo;
  relu?: boolean;
}

/** Y = conv2d(X, W) as P x W, the epilogue applied as the product is stored. */
export function gemmConvForward(
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: GemmConv,
  backend: WasmBackend,
  epilogue: ConvEpilogue = {},
) {
  const { batchSize: n, outHeight: oh, outWidth: ow, outChannels: co } = g.info;
  const y: tf.TensorInfo = backend.makeOutput([n, oh, ow, co], 'float32');
  if (n * oh * ow * co === 0) return y;
  try {
    const at = (t: tf.TensorInfo) => heapOffset(backend, t.dataId);
    const [xa, wa, ya] = [at(x), at(filter), at(y)];
    const bias = epilogue.bias ? at(epilogue.bias) : undefined;
    eachSlice(g, backend, xa, (b0, count, p) => {
      gemmAt(backend, p, wa, ya + b0 * g.positions * co * 4, count * g.positions, g.k, co, {
        bias,
        relu: epilogue.relu,
      });
    });
  } catch (e) {
    backend.disposeData(y.dataId);
    throw e;
  }
  return y;
}

/** dW = P^T x dY, P read as its transpose where im2col wrote it. */
export function gemmConvFilterGrad(x: tf.TensorInfo, dy: tf.TensorInfo, g: GemmConv, backend: WasmBackend) {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = g.info;
  const dw: tf.TensorInfo = backend.makeOutput([kh, kw, ci, co], 'float32');
  try {
    const at = (t: tf.TensorInfo) => heapOffset(backend, t.dataId);
    const [xa, dya, dwa] = [at(x), at(dy), at(dw)];
    if (g.info.batchSize * g.positions === 0) {
      backend.typedArrayFromHeap(dw).fill(0);
      return dw;
    }
    eachSlice(g, backend, xa, (b0, count, p) => {
      const rows = count * g.positions;
      gemmAt(backend, p, dya + b0 * g.positions * co * 4, dwa, g.k, rows, co, { transposeA: true, accumulate: b0 > 0 });
    });
  } catch (e) {
    backend.disposeData(dw.dataId);
    throw e;
  }
  return dw;
}

/** dX = col2im(dY x W^T). */
export function gemmConvInputGrad(dy: tf.TensorInfo, filter: tf.TensorInfo, g: GemmConv, backend: WasmBackend) {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = g.info;
  const dx: tf.TensorInfo = backend.makeOutput([n, h, w, ci], 'float32');
  try {
    const at = (t: tf.TensorInfo) => heapOffset(backend, t.dataId);
    const [dya, wa, dxa] = [at(dy), at(filter), at(dx)];
    if (g.positions * g.k === 0 || co === 0) {
      backend.typedArrayFromHeap(dx).fill(0);
      return dx;
    }
    if (g.direct) {
      gemmAt(backend, dya, wa, dxa, n * g.positions, co, g.k, { transposeB: true });
      return dx;
    }
    eachSlice(g, backend, null, (b0, count, p) => {
      gemmAt(backend, dya + b0 * g.positions * co * 4, wa, p, count * g.positions, co, g.k, { transposeB: true });
      patches(g, dxa, p, b0, count, 1);
    });
  } catch (e) {
    backend.disposeData(dx.dataId);
    throw e;
  }
  return dx;
}
