import * as tf from '#tfjs';
import { requireStockKernel } from '../internal/stock_kernels.js';

const stock = () => requireStockKernel('BatchMatMul', 'wasm');

/**
 * BatchMatMul for wasm with a transposed operand (transposeA or transposeB): transpose it first, then
 * run tfjs's kernel on plain operands. tfjs 4.22's wasm kernel takes a slow path for transposed operands
 * (4x slower for a Dense layer's two gradients in the MNIST CNN, [128,10] x [1600,10]^T and
 * [128,1600]^T x [128,10]; 13x for [15488,288]^T x [15488,64]), and the transpose is one pass over the
 * operand. Products with no transposes are tfjs's as they are.
 */
export const wasmBatchMatMul: tf.KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  setupFunc: (backend) => stock().setupFunc?.(backend),
  kernelFunc: (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return stock().kernelFunc(args) as tf.TensorInfo;
    const backend = args.backend as tf.KernelBackend;
    const transpose = tf.getKernel('Transpose', 'wasm');
    if (!transpose) throw new Error('wasm backend has no Transpose kernel');
    const temps: tf.TensorInfo[] = [];
    // Swaps the last two axes; the leading (batch) axes stay where they are.
    const swap = (t: tf.TensorInfo): tf.TensorInfo => {
      const r = t.shape.length;
      const perm = [...Array(r - 2).keys(), r - 1, r - 2];
      const out = transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
      temps.push(out);
      return out;
    };
    try {
      return stock().kernelFunc({
        inputs: { a: transposeA ? swap(a) : a, b: transposeB ? swap(b) : b },
        backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      }) as tf.TensorInfo;
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  },
};
