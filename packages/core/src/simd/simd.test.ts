import { readFileSync } from 'node:fs';
import { engine, useBackend } from '@neurite/core';
import { describe, expect, it } from 'vitest';
import { simdKernels } from './module.js';

describe('SIMD kernels (kernels.wat)', () => {
  it('kernels_wasm.ts is what build-simd.mjs makes of kernels.wat today', async () => {
    const build = (await import(new URL('../../build-simd.mjs', import.meta.url).href)) as {
      compileSimd(): Promise<string>;
      simdSource(base64: string): string;
    };
    const committed = readFileSync(new URL('./kernels_wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(build.simdSource(await build.compileSimd()));
  });

  it("compile in Node 20 and bind to the wasm backend's memory", async () => {
    await useBackend('wasm');
    const kernels = simdKernels(engine().backend);
    expect(kernels).not.toBeNull();
    expect(typeof kernels?.maxPoolGrad2x2).toBe('function');
    // One module instance per wasm memory.
    expect(simdKernels(engine().backend)).toBe(kernels);
  });

  it("links to a shared memory (tfjs's threaded build) with the same products as on a plain one", () => {
    // The threaded build's heap is a shared WebAssembly.Memory; tfjs builds it only in browsers, so here
    // the kernels get one of their own. The same product on both kinds of memory must agree bit for bit.
    const [m, k, n] = [11, 70, 19];
    const product = (memory: WebAssembly.Memory) => {
      const kernels = simdKernels({ wasm: { asm: { memory } } });
      if (!kernels) throw new Error('no SIMD kernels');
      const f = new Float32Array(memory.buffer);
      for (let i = 0; i < m * k + k * n; i++) f[i] = Math.cos(i * 0.37) * 3;
      const c = m * k + k * n;
      kernels.gemm4x8(0, 4 * m * k, 4 * c, 4 * (c + m * n), m, k, n, 0, 4 * k, 4, 4 * n, 4, 0, 0);
      return Float32Array.from(f.subarray(c, c + m * n));
    };
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    const plain = product(new WebAssembly.Memory({ initial: 1 }));
    expect(product(shared)).toEqual(plain);
    // and the product is a product: one entry against float64
    const at = (i: number) => Math.cos(i * 0.37) * 3;
    let c00 = 0;
    for (let q = 0; q < k; q++) c00 += at(q) * at(m * k + q * n);
    expect(plain[0]).toBeCloseTo(c00, 3);
  });
});
