import { KERNELS_SHARED_WASM, KERNELS_WASM, KERNELS_WIDE_WASM } from './kernels_wasm.js';

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
  sumRows(x: number, outer: number, inner: number, out: number, acc: number): void;
  /** The one-channel filter gradient on 3 taps x 8 channels (co a multiple of 8), or x 4. */
  convFilterGradC1x8: ConvFilterGradC1;
  convFilterGradC1x4: ConvFilterGradC1;
  /** The one-channel forward convolution, 4 positions x 8 channels (co a multiple of 8); 6 x 16 wide. */
  convC1x8: ConvForwardC1;
  convC1x16?: ConvForwardC1;
  gemm4x8: GemmFunc;
  /** The wide tile, where V8 revectorizes (see wideTiles). */
  gemm6x16?: GemmFunc;
  im2col(
    x: number,
    p: number,
    n: number,
    h: number,
    w: number,
    ci: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
    oh: number,
    ow: number,
    backward: number,
  ): void;
}

/** (x, w, y, ..., co, bias, act): the one-channel forward convolution, with the gemm's epilogue. */
export type ConvForwardC1 = (
  x: number,
  w: number,
  y: number,
  n: number,
  h: number,
  wd: number,
  oh: number,
  ow: number,
  fh: number,
  fw: number,
  co: number,
  bias: number,
  act: number,
) => void;

/** (x, dy, dw, ...): the one-channel filter gradient. */
export type ConvFilterGradC1 = (
  x: number,
  dy: number,
  dw: number,
  n: number,
  h: number,
  w: number,
  oh: number,
  ow: number,
  fh: number,
  fw: number,
  co: number,
) => void;

/**
 * C (+)= A x B; A's element (r, q) at a + r*ars + q*acs, B's (q, j) at b + q*brs + j*bcs, all in bytes;
 * then act bit 1 adds bias[j] to column j and bit 2 clamps at 0.
 */
export type GemmFunc = (
  a: number,
  b: number,
  c: number,
  scratch: number,
  m: number,
  k: number,
  n: number,
  accumulate: number,
  ars: number,
  acs: number,
  brs: number,
  bcs: number,
  bias: number,
  act: number,
) => void;

/**
 * V8's revectorizer (Node 24 and later) fuses pairs of 128-bit wasm SIMD operations on neighbouring
 * 16 bytes into 256-bit AVX ones. The 6x16 matrix tile of the wide module is written for it, with
 * relaxed-SIMD multiply-adds (FMA there); on conv2's products it runs 2.2-2.5x faster than the 4x8 tile
 * without the flag. The flag is set here, before Neurite's modules compile. V8 reads it whenever it
 * optimizes a wasm function, so tfjs's own wasm code is compiled with it from then on too: the core and
 * model tests run on Node 24 for that reason, and the wide module is checked against the base one before
 * it is used (agrees). NEURITE_WASM_REVECTORIZE=0 (or false, off, no) leaves it off. Node 22 takes the
 * flag but does not vectorize such loops, Node 20 has none, and browsers let no script set V8 flags.
 */
function enableRevectorize(): boolean {
  const proc = (globalThis as { process?: NodeLikeProcess }).process;
  const major = Number(proc?.versions?.node?.split('.')[0]);
  const off = ['0', 'false', 'off', 'no'].includes((proc?.env?.NEURITE_WASM_REVECTORIZE ?? '').toLowerCase());
  if (!(major >= 24) || off) return false;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString(flags: string): void } | undefined;
  if (!v8) return false;
  v8.setFlagsFromString('--experimental-wasm-revectorize');
  return true;
}

interface NodeLikeProcess {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

let wide: WebAssembly.Module | null | undefined;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
}

/** The wide module where V8 revectorizes and compiles relaxed SIMD, else null. */
function wideModule(): WebAssembly.Module | null {
  if (wide === undefined) {
    wide = null;
    if (enableRevectorize()) {
      try {
        const code = new WebAssembly.Module(decode(KERNELS_WIDE_WASM));
        wide = agrees(code) ? code : null;
      } catch {
        wide = null; // no relaxed SIMD in this runtime
      }
    }
  }
  return wide;
}

/**
 * Whether the wide module's product matches the base module's on a small problem with edges in every
 * direction (in a memory of its own): relaxed SIMD leaves the multiply-add's rounding to the machine, so
 * this checks, once per process, that what this machine does is a product at float32 precision.
 */
function agrees(code: WebAssembly.Module): boolean {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const base = new WebAssembly.Instance(new WebAssembly.Module(decode(KERNELS_WASM)), { env: { memory } })
    .exports as unknown as SimdKernels;
  const { gemm6x16 } = new WebAssembly.Instance(code, { env: { memory } }).exports as { gemm6x16: GemmFunc };
  const [m, k, n] = [13, 37, 29];
  const [a, b, c1, c2, scratch] = [0, m * k, m * k + k * n, m * k + k * n + m * n, m * k + k * n + 2 * m * n];
  const f = new Float32Array(memory.buffer);
  for (let i = 0; i < m * k + k * n; i++) f[i] = Math.sin(i * 0.7) * 2;
  base.gemm4x8(4 * a, 4 * b, 4 * c1, 4 * scratch, m, k, n, 0, 4 * k, 4, 4 * n, 4, 0, 0);
  gemm6x16(4 * a, 4 * b, 4 * c2, 4 * scratch, m, k, n, 0, 4 * k, 4, 4 * n, 4, 0, 0);
  for (let i = 0; i < m * n; i++)
    if (!(Math.abs(f[c1 + i] - f[c2 + i]) <= 1e-4 * (1 + Math.abs(f[c1 + i])))) return false;
  return true;
}

/** Whether the wide (6x16) matrix tile is the one to use: V8's revectorizer is on and the module compiled. */
export function wideTiles(): boolean {
  return wideModule() !== null;
}

// biome-ignore lint/suspicious/noExplicitAny: BackendWasm's emscripten module and data map are not in tfjs's public types.
type WasmBackend = any;

/** The base module, compiled on first use: [for a plain memory, for a shared one]; null where it cannot compile. */
const compiled: [WebAssembly.Module | null | undefined, WebAssembly.Module | null | undefined] = [undefined, undefined];
let enabled = true;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/**
 * Neurite's SIMD kernels bound to this wasm backend's memory, or null where they cannot run (a runtime
 * without WebAssembly SIMD, or switched off): callers then take their JavaScript path. The module is
 * a few KB, so it is compiled synchronously on first use. tfjs's threaded build (a cross-origin
 * isolated page) has a shared memory, which only a module that imports a shared memory links to: that
 * build gets the base module's shared twin, and no wide tiles (no browser lets a script turn on V8's
 * revectorizer, and Node never runs the threaded build).
 */
export function simdKernels(backend: WasmBackend): SimdKernels | null {
  if (!enabled) return null;
  // The single-threaded builds export their memory; the threaded build imports it (emscripten keeps it
  // as wasmMemory).
  const memory = backend?.wasm?.asm?.memory ?? backend?.wasm?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const known = instances.get(memory);
  if (known) return known;
  const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  const which = shared ? 1 : 0;
  if (compiled[which] === undefined) {
    if (!shared) wideModule(); // sets V8's flag before the base module compiles
    try {
      compiled[which] = new WebAssembly.Module(decode(shared ? KERNELS_SHARED_WASM : KERNELS_WASM));
    } catch {
      compiled[which] = null; // no SIMD (or no threads) in this runtime
    }
  }
  const code = compiled[which];
  if (!code) return null;
  const kernels = { ...new WebAssembly.Instance(code, { env: { memory } }).exports } as unknown as SimdKernels;
  const wideCode = shared ? null : wideModule();
  if (wideCode) {
    // gemm6x16, convC1x16
    Object.assign(kernels, new WebAssembly.Instance(wideCode, { env: { memory } }).exports);
  }
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
