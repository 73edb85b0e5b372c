import { KERNELS_WASM } from './kernels_wasm.js';

/** The exports of kernels.wat. Pointers are byte offsets into tfjs's wasm memory. */
export interface SimdKernels {
  maxPoolGrad2x2(
    x: number,
    dy: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
  ): void;
  convFilterGradC1(
    x: number,
    dy: number,
    dw: number,
    scratch: number,
    n: number,
    h: number,
    w: number,
    oh: number,
    ow: number,
    fh: number,
    fw: number,
    co: number,
  ): void;
  gemm(a: number, b: number, c: number, scratch: number, m: number, k: number, n: number, accumulate: number): void;
}

// biome-ignore lint/suspicious/noExplicitAny: BackendWasm's emscripten module and data map are not in tfjs's public types.
type WasmBackend = any;

let compiled: WebAssembly.Module | null | undefined;
let enabled = true;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/**
 * Neurite's SIMD kernels bound to this wasm backend's memory, or null where they cannot run (a runtime
 * without WebAssembly SIMD, or switched off): callers then take their JavaScript path. The module is
 * a few hundred bytes, so it is compiled synchronously on first use.
 */
export function simdKernels(backend: WasmBackend): SimdKernels | null {
  if (!enabled) return null;
  const memory = backend?.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const known = instances.get(memory);
  if (known) return known;
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Uint8Array.from(atob(KERNELS_WASM), (ch) => ch.charCodeAt(0)));
    } catch {
      compiled = null; // no SIMD in this runtime
    }
  }
  if (!compiled) return null;
  const kernels = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdKernels;
  instances.set(memory, kernels);
  return kernels;
}

/** Where a tensor's data starts in the wasm memory, in bytes. */
export function heapOffset(backend: WasmBackend, dataId: object): number {
  return backend.dataIdMap.get(dataId).memoryOffset;
}

/** Not public API: lets the kernel benchmark time the JavaScript paths against the SIMD ones. */
export function useSimdKernels(on: boolean): void {
  enabled = on;
}
