import * as tf from '#tfjs';
import { NeuriteError } from '../errors.js';

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * dx of max pooling: each dy value goes to the first largest input of its window (padding never wins).
 * Written once over typed arrays; the backends differ only in how they expose memory.
 */
function maxPoolGradValues(
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  dx: Float32Array,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  dx.fill(0);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const y0 = y * sh - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(h, y0 + fh);
      for (let xo = 0; xo < ow; xo++) {
        const x0 = xo * sw - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(w, x0 + fw);
        const dyOff = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = Number.NEGATIVE_INFINITY;
          let where = -1;
          for (let iy = yStart; iy < yEnd; iy++) {
            for (let ix = xStart; ix < xEnd; ix++) {
              const at = ((b * h + iy) * w + ix) * c + ch;
              const v = x[at];
              if (v > best || where < 0) {
                best = v;
                where = at;
              }
            }
          }
          if (where >= 0) dx[where] += dy[dyOff + ch];
        }
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
