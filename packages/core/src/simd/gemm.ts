import * as tf from '#tfjs';
import { NeuriteError } from '../errors.js';
import { heapOffset, simdKernels } from './module.js';

// biome-ignore lint/suspicious/noExplicitAny: BackendWasm's makeOutput and heap accessors are not in tfjs's public types.
type WasmBackend = any;

/** The floats of scratch the kernel needs: B in panels of 8 columns (zero past n), and one 4x8 tile. */
export function gemmScratchFloats(k: number, n: number): number {
  return Math.ceil(n / 8) * 8 * k + 32;
}

/**
 * C[m, n] = A[m, k] x B[k, n] (or C += A x B with `accumulate`) with Neurite's SIMD kernel, for operands
 * already in the wasm backend's memory: a, b and c are byte offsets there, each row-major float32. B's
 * packed copy is made on the backend and freed before this returns. False, with nothing written, where
 * the kernel cannot run (a runtime without wasm SIMD); kernels then take another path.
 */
export function gemmAt(
  backend: WasmBackend,
  a: number,
  b: number,
  c: number,
  m: number,
  k: number,
  n: number,
  accumulate = false,
): boolean {
  const simd = simdKernels(backend);
  if (!simd) return false;
  const scratch: tf.TensorInfo = backend.makeOutput([gemmScratchFloats(k, n)], 'float32');
  try {
    simd.gemm(a, b, c, heapOffset(backend, scratch.dataId), m, k, n, accumulate ? 1 : 0);
  } finally {
    backend.disposeData(scratch.dataId);
  }
  return true;
}

/**
 * A[m, k] x B[k, n] as a new Float32Array [m, n] (row-major), through the wasm backend's memory: the
 * operands are copied in, multiplied with {@link gemmAt} and the product copied out. Needs the wasm
 * backend started (`await useBackend('wasm')` once) and a runtime with wasm SIMD. Not public API: for
 * tests and the kernel benchmark; kernels call gemmAt on their tensors in place.
 */
export function gemm(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  backend: WasmBackend = tf.findBackend('wasm'),
): Float32Array {
  for (const [name, v] of [
    ['m', m],
    ['k', k],
    ['n', n],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new NeuriteError(`gemm: ${name} must be a non-negative integer. Received: ${name}=${v}.`);
    }
  }
  if (a.length !== m * k || b.length !== k * n) {
    throw new NeuriteError(
      `gemm: A must hold m*k = ${m * k} values and B k*n = ${k * n}. Received: ${a.length} and ${b.length}.`,
    );
  }
  if (!backend || !simdKernels(backend)) {
    throw new NeuriteError(
      "gemm: needs the wasm backend and a runtime with WebAssembly SIMD. Start it first: await useBackend('wasm').",
    );
  }
  if (m * n === 0) return new Float32Array(0);
  const io: tf.TensorInfo = backend.makeOutput([m * k + k * n + m * n], 'float32');
  try {
    const at = heapOffset(backend, io.dataId);
    const view = backend.typedArrayFromHeap(io) as Float32Array;
    view.set(a, 0);
    view.set(b, m * k);
    gemmAt(backend, at, at + 4 * m * k, at + 4 * (m * k + k * n), m, k, n);
    // A fresh view: making the scratch may have grown (and moved) the heap.
    return (backend.typedArrayFromHeap(io) as Float32Array).slice(m * k + k * n);
  } finally {
    backend.disposeData(io.dataId);
  }
}
