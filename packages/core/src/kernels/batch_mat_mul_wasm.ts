import * as tf from '#tfjs';
import { requireStockKernel } from '../internal/stock_kernels.js';
import { gemmAt } from '../simd/gemm.js';
import { heapOffset, simdKernels } from '../simd/module.js';

const stock = () => requireStockKernel('BatchMatMul', 'wasm');

/**
 * BatchMatMul for wasm on Neurite's matrix product (a transposed operand is read in place through its
 * strides), one product per batch entry, a batch of 1 on either side broadcast. Null where it does
 * not fit (not float32, other broadcasts, no wasm SIMD): the kernel below then runs.
 */
function viaGemm(a: tf.TensorInfo, b: tf.TensorInfo, ta: boolean, tb: boolean, backend: unknown): tf.TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const simd = simdKernels(backend);
  if (!simd) return null;
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [m, k, n] = [ta ? ac : ar, ta ? ar : ac, tb ? br : bc];
  if ((tb ? bc : br) !== k) return null;
  const sa = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const sb = tf.util.sizeFromShape(b.shape.slice(0, -2));
  let batchShape: number[];
  try {
    batchShape = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return null;
  }
  const batch = tf.util.sizeFromShape(batchShape);
  if (!(sa === sb || sa === 1 || sb === 1) || batch !== Math.max(sa, sb)) return null;
  // biome-ignore lint/suspicious/noExplicitAny: BackendWasm's makeOutput is not in tfjs's public types.
  const wasm = backend as any;
  const out: tf.TensorInfo = wasm.makeOutput([...batchShape, m, n], 'float32');
  const [pa, pb, pc] = [a, b, out].map((t) => heapOffset(wasm, t.dataId));
  for (let i = 0; i < batch; i++) {
    const ia = sa === 1 ? 0 : i;
    const ib = sb === 1 ? 0 : i;
    gemmAt(wasm, pa + 4 * ia * m * k, pb + 4 * ib * k * n, pc + 4 * i * m * n, m, k, n, {
      transposeA: ta,
      transposeB: tb,
    });
  }
  return out;
}

/**
 * BatchMatMul for wasm: Neurite's matrix product (viaGemm) where it fits; otherwise, with a transposed
 * operand (transposeA or transposeB), transpose it first, then run tfjs's kernel on plain operands. tfjs 4.22's wasm kernel takes a slow path for transposed operands
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
    const mine = viaGemm(a, b, transposeA, transposeB, args.backend);
    if (mine) return mine;
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
