import * as tf from '#tfjs';
import { requireStockKernel } from '../internal/stock_kernels.js';
import { heapOffset, simdKernels } from '../simd/module.js';

interface SumAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/**
 * The reduction this file speeds up: float32 summed over a leading block of axes, the trailing ones
 * kept (the bias gradient of a conv or dense layer: [batch, h, w, c] -> [c]). tfjs's kernels first
 * transpose the kept axes to the front; here the rows are already contiguous, so nothing is copied.
 * Returns the number of leading axes and the row count and length, or undefined for any other case.
 */
function leadingBlock(x: tf.TensorInfo, attrs: SumAttrs): { k: number; outer: number; inner: number } | undefined {
  if (x.dtype !== 'float32') return undefined;
  const rank = x.shape.length;
  const axes = [...new Set(tf.util.parseAxisParam(attrs.axis, x.shape))].sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || k === rank || axes[k - 1] !== k - 1) return undefined;
  const outer = tf.util.sizeFromShape(x.shape.slice(0, k));
  const inner = tf.util.sizeFromShape(x.shape.slice(k));
  // An empty leading block sums to zeros; an empty row is left to tfjs.
  return inner > 0 ? { k, outer, inner } : undefined;
}

function outShape(x: tf.TensorInfo, attrs: SumAttrs, k: number): number[] {
  return attrs.keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
}

/**
 * out[j] = sum over rows r of x[r * inner + j]. Eight columns at a time are summed in float64 locals
 * over a block of rows that stays in cache, so the result is as accurate as a float64 sum and the
 * loop does one load and one add per element.
 */
function sumRows(x: Float32Array, outer: number, inner: number, out: Float32Array): void {
  const acc = new Float64Array(inner);
  const blockRows = Math.max(1, Math.floor(8192 / inner));
  for (let r0 = 0; r0 < outer; r0 += blockRows) {
    const end = Math.min(outer, r0 + blockRows) * inner;
    let j = 0;
    for (; j + 8 <= inner; j += 8) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let s4 = 0;
      let s5 = 0;
      let s6 = 0;
      let s7 = 0;
      for (let i = r0 * inner + j; i < end; i += inner) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
        s4 += x[i + 4];
        s5 += x[i + 5];
        s6 += x[i + 6];
        s7 += x[i + 7];
      }
      acc[j] += s0;
      acc[j + 1] += s1;
      acc[j + 2] += s2;
      acc[j + 3] += s3;
      acc[j + 4] += s4;
      acc[j + 5] += s5;
      acc[j + 6] += s6;
      acc[j + 7] += s7;
    }
    for (; j < inner; j++) {
      let s = 0;
      for (let i = r0 * inner + j; i < end; i += inner) s += x[i];
      acc[j] += s;
    }
  }
  for (let j = 0; j < inner; j++) out[j] = acc[j];
}

const stock = (backendName: string) => requireStockKernel('Sum', backendName);

/**
 * Sum for wasm: the leading-axes case summed straight on the wasm heap (about 6x tfjs's transpose and
 * reduce for a conv bias gradient), by Neurite's SIMD loop where rows are a multiple of 4 long and by
 * sumRows otherwise; every other case goes to tfjs's kernel.
 */
export const wasmSum: tf.KernelConfig = {
  kernelName: 'Sum',
  backendName: 'wasm',
  // tfjs's kernel binds its C function in setup, which the engine now calls on ours instead.
  setupFunc: (backend) => stock('wasm').setupFunc?.(backend),
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const attrs = args.attrs as unknown as SumAttrs;
    const block = leadingBlock(x, attrs);
    if (!block) return stock('wasm').kernelFunc(args);
    // biome-ignore lint/suspicious/noExplicitAny: BackendWasm's heap accessors are not in tfjs's public types.
    const wasm = args.backend as any;
    const out = wasm.makeOutput(outShape(x, attrs, block.k), 'float32');
    const simd = block.inner % 4 === 0 ? simdKernels(wasm) : null;
    if (simd) {
      // Neurite's SIMD loop (kernels.wat), with float64 totals in a scratch of inner doubles.
      const acc = wasm.makeOutput([2 * block.inner], 'float32');
      try {
        const at = (t: tf.TensorInfo) => heapOffset(wasm, t.dataId);
        simd.sumRows(at(x), block.outer, block.inner, at(out), at(acc));
      } finally {
        wasm.disposeData(acc.dataId);
      }
      return out;
    }
    // Views into the wasm heap: take them after makeOutput, which may grow (and move) the heap.
    sumRows(wasm.typedArrayFromHeap(x), block.outer, block.inner, wasm.typedArrayFromHeap(out));
    return out;
  },
};

/** Sum for cpu: the same loop (tfjs's transposes element by element first: ~50x slower there). */
export const cpuSum: tf.KernelConfig = {
  kernelName: 'Sum',
  backendName: 'cpu',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const attrs = args.attrs as unknown as SumAttrs;
    const block = leadingBlock(x, attrs);
    if (!block) return stock('cpu').kernelFunc(args);
    // biome-ignore lint/suspicious/noExplicitAny: MathBackendCPU's data store is untyped in tfjs's public types.
    const cpu = args.backend as any;
    const out = new Float32Array(block.inner);
    sumRows(cpu.data.get(x.dataId).values, block.outer, block.inner, out);
    return cpu.makeTensorInfo(outShape(x, attrs, block.k), 'float32', out);
  },
};
