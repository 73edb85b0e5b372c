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
});
