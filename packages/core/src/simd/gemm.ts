import * as tf from '#tfjs';
import { NeuriteError } from '../errors.js';
import { type GemmFunc, heapOffset, type SimdKernels, simdKernels, wideTiles } from './module.js';

// biome-ignore lint/suspicious/noExplicitAny: BackendWasm's makeOutput and heap accessors are not in tfjs's public types.
type WasmBackend = any;

/** A register tile of the matrix product: rows x columns of C made at once. */
export interface GemmTile {
  rows: number;
  cols: number;
}

/** The tile this runtime runs fastest: 6x16 where V8's revectorizer is on, 4x8 elsewhere. */
export function gemmTile(): GemmTile {
  return wideTiles() ? { rows: 6, cols: 16 } : { rows: 4, cols: 8 };
}

function gemmFunc(simd: SimdKernels, tile: GemmTile): GemmFunc {
  if (tile.cols !== 16) return simd.gemm4x8;
  if (!simd.gemm6x16) {
    throw new NeuriteError('gemm: the 6x16 tile needs Node 24 with V8 revectorizing (NEURITE_WASM_REVECTORIZE unset).');
  }
  return simd.gemm6x16;
}

/** The floats of scratch the kernel needs: B in panels of tile.cols columns (zero past n), and one tile. */
export function gemmScratchFloats(k: number, n: number, tile: GemmTile = gemmTile()): number {
  return Math.ceil(n / tile.cols) * tile.cols * k + tile.rows * tile.cols;
}

export interface GemmOptions {
  /** Add the product to C instead of overwriting it. */
  accumulate?: boolean;
  /** A is stored as its transpose, [k, m] row-major. */
  transposeA?: boolean;
  /** B is stored as its transpose, [n, k] row-major. */
  transposeB?: boolean;
  /** Which register tile to run (tests and the benchmark); gemmTile() by default. */
  tile?: GemmTile;
  /** Byte offset of n floats added to C's columns once the product is done (k >= 1). */
  bias?: number;
  /** Clamp C at 0 once the product (and bias) is done (k >= 1). */
  relu?: boolean;
}

/**
 * C[m, n] = A[m, k] x B[k, n] (or C += A x B with `accumulate`) with Neurite's SIMD kernel, for operands
 * already in the wasm backend's memory: a, b and c are byte offsets there, each float32, C row-major and
 * A and B row-major or (transposeA, transposeB) stored as their transposes. B's packed copy is made on
 * the backend and freed before this returns. False, with nothing written, where the kernel cannot run
 * (a runtime without wasm SIMD); kernels then take another path.
 */
export function gemmAt(
  backend: WasmBackend,
  a: number,
  b: number,
  c: number,
  m: number,
  k: number,
  n: number,
  options: GemmOptions = {},
): boolean {
  const simd = simdKernels(backend);
  if (!simd) return false;
  const tile = options.tile ?? gemmTile();
  const scratch: tf.TensorInfo = backend.makeOutput([gemmScratchFloats(k, n, tile)], 'float32');
  try {
    const [ars, acs] = options.transposeA ? [4, 4 * m] : [4 * k, 4];
    const [brs, bcs] = options.transposeB ? [4, 4 * k] : [4 * n, 4];
    const at = heapOffset(backend, scratch.dataId);
    const act = (options.bias !== undefined ? 1 : 0) | (options.relu ? 2 : 0);
    if (act && k === 0) throw new NeuriteError('gemm: a bias or relu epilogue needs k >= 1.');
    gemmFunc(simd, tile)(a, b, c, at, m, k, n, options.accumulate ? 1 : 0, ars, acs, brs, bcs, options.bias ?? 0, act);
  } finally {
    backend.disposeData(scratch.dataId);
  }
  return true;
}

/**
 * A[m, k] x B[k, n] as a new Float32Array [m, n] (row-major), through the wasm backend's memory: the
 * operands are copied in, multiplied with {@link gemmAt} and the product copied out. With transposeA, a
 * holds A's transpose [k, m]; with transposeB, b holds B's [n, k]. Needs the wasm backend started
 * (`await useBackend('wasm')` once) and a runtime with wasm SIMD. Not public API: for tests and the
 * kernel benchmark; kernels call gemmAt on their tensors in place.
 */
export function gemm(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  options: Omit<GemmOptions, 'accumulate'> = {},
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
    gemmAt(backend, at, at + 4 * m * k, at + 4 * (m * k + k * n), m, k, n, options);
    // A fresh view: making the scratch may have grown (and moved) the heap.
    return (backend.typedArrayFromHeap(io) as Float32Array).slice(m * k + k * n);
  } finally {
    backend.disposeData(io.dataId);
  }
}
