import { engine, useBackend } from '@neurite/core';
import { expectClose, floats } from '@neurite/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { NeuriteError } from '../errors.js';
import { type GemmTile, gemm, gemmAt, gemmScratchFloats, gemmTile } from './gemm.js';
import { heapOffset } from './module.js';

/** A stored [k, m] as A[m, k] (or back): a transpose, row-major. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/** A[m, k] x B[k, n] in float64. */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let q = 0; q < k; q++) {
      const v = a[i * k + q];
      for (let j = 0; j < n; j++) c[i * n + j] += v * b[q * n + j];
    }
  return c;
}

// Sums of k products of values in [-1, 1): float32's rounding grows with k. wasm's tolerance holds
// unscaled to k = 1100 today; the scale leaves room for a change of summation order.
const scale = (k: number) => Math.max(1, k / 128);

// biome-ignore lint/suspicious/noExplicitAny: BackendWasm's makeOutput and heap accessors are not in tfjs's public types.
const wasm = (): any => engine().backend;

// The wide tile only where it runs: Node 24 (scripts/test-node24.mjs runs these tests there too).
const tiles: GemmTile[] = [{ rows: 4, cols: 8 }, ...(gemmTile().cols === 16 ? [gemmTile()] : [])];

describe('gemm (gemm-wat.mjs): C = A x B with B in panels and register tiles', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  // Rows not a multiple of 4 or 6, columns not a multiple of 8 or 16, and K around blocks of 256 and 512;
  // A and B as stored and as transposes (strides swapped).
  for (const tile of tiles)
    for (const m of [1, 3, 4, 5, 6, 7, 17])
      for (const n of [1, 7, 8, 9, 16, 33])
        it(`matches the float64 reference: ${tile.rows}x${tile.cols} tile, m=${m}, n=${n}, k in 1 2 255 257 600 1100`, () => {
          for (const k of [1, 2, 255, 257, 600, 1100]) {
            const a = floats(m * k, 1 + k);
            const b = floats(k * n, 2 + k);
            const expected = reference(a, b, m, k, n);
            expectClose(gemm(a, b, m, k, n, { tile }), expected, 'wasm', scale(k));
            const at = transpose(a, m, k);
            const bt = transpose(b, k, n);
            expectClose(gemm(at, b, m, k, n, { tile, transposeA: true }), expected, 'wasm', scale(k));
            expectClose(gemm(a, bt, m, k, n, { tile, transposeB: true }), expected, 'wasm', scale(k));
            expectClose(
              gemm(at, bt, m, k, n, { tile, transposeA: true, transposeB: true }),
              expected,
              'wasm',
              scale(k),
            );
          }
        });

  it('runs the 6x16 tile where V8 revectorizes (Node 24 and later), the 4x8 one elsewhere', () => {
    const major = Number(process.versions.node.split('.')[0]);
    const off = process.env.NEURITE_WASM_REVECTORIZE === '0';
    expect(gemmTile()).toEqual(major >= 24 && !off ? { rows: 6, cols: 16 } : { rows: 4, cols: 8 });
  });

  for (const tile of tiles)
    it(`conv2's forward product, [15488, 288] x [288, 64], ${tile.rows}x${tile.cols} tile`, () => {
      const [m, k, n] = [15488, 288, 64];
      const a = floats(m * k, 3);
      const b = floats(k * n, 4);
      expectClose(gemm(a, b, m, k, n, { tile }), reference(a, b, m, k, n), 'wasm', scale(k));
    });

  it('adds to C with accumulate, overwrites it without, and frees its scratch', () => {
    const [m, k, n] = [6, 300, 10];
    const a = floats(m * k, 5);
    const b = floats(k * n, 6);
    const c0 = floats(m * n, 7);
    const backend = wasm();
    const before = backend.numDataIds();
    const io = backend.makeOutput([m * k + k * n + m * n], 'float32');
    const view = backend.typedArrayFromHeap(io) as Float32Array;
    view.set(a, 0);
    view.set(b, m * k);
    view.set(c0, m * k + k * n);
    const at = heapOffset(backend, io.dataId);
    const [pa, pb, pc] = [at, at + 4 * m * k, at + 4 * (m * k + k * n)];
    expect(gemmAt(backend, pa, pb, pc, m, k, n, { accumulate: true })).toBe(true);
    const product = reference(a, b, m, k, n);
    const out = () => (backend.typedArrayFromHeap(io) as Float32Array).slice(m * k + k * n);
    expectClose(
      out(),
      product.map((v, i) => v + c0[i]),
      'wasm',
      scale(k),
    );
    gemmAt(backend, pa, pb, pc, m, k, n);
    expectClose(out(), product, 'wasm', scale(k));
    backend.disposeData(io.dataId);
    expect(backend.numDataIds()).toBe(before);
  });

  it('gives zeros for k = 0 and nothing for m or n = 0', () => {
    expect(gemm(new Float32Array(0), new Float32Array(0), 3, 0, 5)).toEqual(new Float32Array(15));
    expect(gemm(new Float32Array(0), floats(8, 1), 0, 2, 4)).toEqual(new Float32Array(0));
    expect(gemm(floats(6, 1), new Float32Array(0), 3, 2, 0)).toEqual(new Float32Array(0));
  });

  it('names the operand whose size does not fit m, k and n', () => {
    expect(() => gemm(floats(5, 1), floats(6, 2), 2, 3, 2)).toThrow(NeuriteError);
    expect(() => gemm(floats(5, 1), floats(6, 2), 2, 3, 2)).toThrow(/A must hold m\*k = 6/);
    expect(() => gemm(floats(6, 1), floats(6, 2), 2, 3, 1.5)).toThrow(/n must be a non-negative integer/);
  });

  it('needs k*cols floats per panel of the tile columns, and one tile', () => {
    expect(gemmScratchFloats(3, 9, tiles[0])).toBe(2 * 8 * 3 + 32);
    expect(gemmScratchFloats(0, 0, tiles[0])).toBe(32);
    expect(gemmScratchFloats(3, 17, { rows: 6, cols: 16 })).toBe(2 * 16 * 3 + 96);
  });
});
