import * as tf from '#tfjs';
import { NeuriteError } from '../errors.js';
import { heapOffset, simdKernels } from '../simd/module.js';

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * dx of max pooling: each dy value goes to the first largest input of its window in row-major order
 * (padding never wins; comparisons with NaN are false, so a NaN is picked only as a window's first value).
 * Written once over typed arrays; the backends differ only in how they expose memory.
 */
function maxPoolGradValues(
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  dx: Float32Array,
): void {
  dx.fill(0);
  if (plain2x2(info)) pool2x2Grad(x, dy, info, dx);
  else generalGrad(x, dy, info, dx);
}

/** 2x2 windows, stride 2, no padding, every window inside the input: windows never overlap. */
function plain2x2(info: tf.backend_util.Conv2DInfo): boolean {
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, padInfo } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  return (
    fh === 2 &&
    fw === 2 &&
    sh === 2 &&
    sw === 2 &&
    padInfo.top === 0 &&
    padInfo.left === 0 &&
    2 * oh <= h &&
    2 * ow <= w
  );
}

/**
 * The common 2x2 stride-2 pooling with every window inside the input. Windows do not overlap, so each
 * dy value is stored, not added. Comparisons become index arithmetic (+(a > b) * step is step or 0):
 * on activations they are coin flips, and the mispredicted branches made this loop 3x slower.
 */
function pool2x2Grad(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo, dx: Float32Array): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const row = w * c;
  let d = 0;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const rowStart = (b * h + 2 * y) * row;
      for (let xo = 0; xo < ow; xo++) {
        const start = rowStart + 2 * xo * c;
        const end = start + c;
        for (let i = start; i < end; i++, d++) {
          const j = i + row;
          // Each row's first value unless its second is greater; then the bottom row's pick only if
          // greater still. A NaN wins only as the window's very first value (nothing compares greater
          // than it), so a NaN first in the bottom row gives way to its neighbour.
          const top = i + +(x[i + c] > x[i]) * c;
          const xj = x[j];
          const bottom = j + (+(x[j + c] > xj) | +Number.isNaN(xj)) * c;
          dx[top + +(x[bottom] > x[top]) * (bottom - top)] = dy[d];
        }
      }
    }
  }
}

/** Any window, stride and padding: channels innermost, so every read is contiguous. */
function generalGrad(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo, dx: Float32Array): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  // Per channel, the index of the largest value seen so far in the current window.
  const where = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const y0 = y * sh - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(h, y0 + fh);
      for (let xo = 0; xo < ow; xo++) {
        const x0 = xo * sw - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(w, x0 + fw);
        if (yStart >= yEnd || xStart >= xEnd) continue; // a window made only of padding
        const first = ((b * h + yStart) * w + xStart) * c;
        for (let ch = 0; ch < c; ch++) where[ch] = first + ch;
        for (let iy = yStart; iy < yEnd; iy++) {
          for (let ix = iy === yStart ? xStart + 1 : xStart; ix < xEnd; ix++) {
            const p = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const at = where[ch];
              const q = p + ch;
              // Branch-free "if (x[q] > x[at]) at = q": strictly greater keeps the first of equals.
              where[ch] = at + +(x[q] > x[at]) * (q - at);
            }
          }
        }
        const dyOff = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) dx[where[ch]] += dy[dyOff + ch];
      }
    }
  }
}

function poolInfo(x: tf.TensorInfo, attrs: MaxPoolGradAttrs): tf.backend_util.Conv2DInfo {
  if (x.shape.length !== 4) {
    throw new NeuriteError(`MaxPoolGrad expects a rank-4 input. Received shape [${x.shape.join(', ')}].`);
  }
  return tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

/**
 * MaxPoolGrad for wasm. tfjs 4.22's wasm kernel drops the gradient of any window whose values are all
 * negative (measured: it sends 0 where cpu and webgpu send dy), so training a net that pools signed
 * values goes wrong there; this one matches cpu and webgpu.
 */
export const wasmMaxPoolGrad: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const info = poolInfo(input, attrs as unknown as MaxPoolGradAttrs);
    // biome-ignore lint/suspicious/noExplicitAny: BackendWasm's heap accessors are not in tfjs's public types.
    const wasm = backend as any;
    const out = wasm.makeOutput(input.shape, 'float32');
    const simd = plain2x2(info) && info.inChannels % 4 === 0 ? simdKernels(wasm) : null;
    if (simd) {
      // Inputs not covered by a window (an odd last row or column) get no gradient.
      if (2 * info.outHeight < info.inHeight || 2 * info.outWidth < info.inWidth) wasm.typedArrayFromHeap(out).fill(0);
      const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
      const at = (t: tf.TensorInfo) => heapOffset(wasm, t.dataId);
      simd.maxPoolGrad2x2(at(input), at(dy), at(out), n, h, w, c, oh, ow);
      return out;
    }
    // Views into the wasm heap: take them after makeOutput, which may grow (and move) the heap.
    maxPoolGradValues(wasm.typedArrayFromHeap(input), wasm.typedArrayFromHeap(dy), info, wasm.typedArrayFromHeap(out));
    return out;
  },
};

/** MaxPoolGrad for cpu: the same loop, without tfjs's per-element TensorBuffer reads. */
export const cpuMaxPoolGrad: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const info = poolInfo(input, attrs as unknown as MaxPoolGradAttrs);
    // biome-ignore lint/suspicious/noExplicitAny: MathBackendCPU's data store is untyped in tfjs's public types.
    const cpu = backend as any;
    const dx = new Float32Array(input.shape.reduce((a, b) => a * b, 1));
    maxPoolGradValues(cpu.data.get(input.dataId).values, cpu.data.get(dy.dataId).values, info, dx);
    return cpu.makeTensorInfo(input.shape, 'float32', dx);
  },
};
