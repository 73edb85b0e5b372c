import * as tf from '#tfjs';
import { NeuriteError } from '../errors.js';
import { wasmBatchMatMul } from '../kernels/batch_mat_mul_wasm.js';
import { wasmConv2DBackpropFilter } from '../kernels/conv2d_backprop_filter_wasm.js';
import { wasmConv2DBackpropInput } from '../kernels/conv2d_backprop_input_wasm.js';
import { wasmConv2D, wasmFusedConv2D } from '../kernels/conv2d_wasm.js';
import { wasmCast, wasmIdentity } from '../kernels/identity_wasm.js';
import { wasmMaxPoolGrad } from '../kernels/max_pool_grad.js';
import { wasmSum } from '../kernels/sum.js';
import type { BackendPlugin } from './plugin.js';

let wasmDir: string | undefined;
let wasmThreads: number | undefined;

/**
 * How many threads the wasm backend runs its kernels on, set before useBackend('wasm'). tfjs has a
 * threaded build that only browsers run, and only in a cross-origin isolated page or worker (COOP
 * `same-origin` and COEP `require-corp`, so that SharedArrayBuffer exists): there it takes `threads`
 * (by default tfjs picks a count from the number of cores), and 1 chooses the single-threaded build. Elsewhere
 * (Node, a page that is not isolated) the backend runs on one thread whatever is asked; `info.threads`
 * from useBackend says how many it got. Neurite's own GEMM and convolution kernels run on one thread in
 * either build: the threads speed up tfjs's other kernels.
 *
 * @example
 * ```ts
 * import { setWasmThreads, useBackend } from '@neurite/core';
 * setWasmThreads(1);
 * const info = await useBackend('wasm');
 * console.log(info.threads); // 1
 * ```
 */
export function setWasmThreads(threads: number): void {
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    throw new NeuriteError(
      `setWasmThreads: threads must be a whole number from 1 to ${MAX_THREADS} (tfjs's threaded build makes ` +
        `${MAX_THREADS} threads at most). Received: ${String(threads)}. ` +
        'E.g. setWasmThreads(Math.min(8, navigator.hardwareConcurrency)), or setWasmThreads(1) for the single-threaded build.',
    );
  }
  if (wasmStarted && threads !== wasmThreads) {
    throw new NeuriteError(
      `setWasmThreads(${threads}): the wasm backend has already started, on ${wasmThreads ?? "tfjs's default"} ` +
        'thread(s), and its thread count is fixed from then on. Call setWasmThreads before the first ' +
        "useBackend('wasm'), or start a new worker (or page) for another count.",
    );
  }
  wasmThreads = threads;
}

/** The threads tfjs's threaded build creates at most (its pthread pool). */
const MAX_THREADS = 8;
let wasmStarted = false;

/**
 * Where the wasm backend loads its `.wasm` binaries from (a folder path in Node, a URL prefix in the
 * browser, ending in '/'). Defaults to the copies shipped in @neurite/core's dist/vendor; set it before
 * useBackend('wasm') when a bundler moves them.
 *
 * @example
 * ```ts
 * import { setWasmDir } from '@neurite/core';
 * setWasmDir('/assets/neurite-wasm/');
 * ```
 */
export function setWasmDir(prefix: string): void {
  wasmDir = prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/**
 * The folder (Node) or URL prefix (browser) the wasm backend loads its `.wasm` binaries from: the one
 * given to {@link setWasmDir}, else the copies in @neurite/core's dist/vendor. Worker threads that train
 * data-parallel (`fit(..., { workers })`) start their wasm backend from the same place.
 */
export function getWasmDir(): string {
  return wasmDir ?? defaultWasmDir();
}

let restoreThreadCap: (() => void) | undefined;

/**
 * tfjs's threaded build caps its thread pool at half of navigator.hardwareConcurrency (it takes every
 * core for two hardware threads), which it reads once, as its module starts: on a 2-core machine it
 * would run one thread whatever setThreadsCount asked. While the backend starts, the count the build
 * reads is made twice the threads asked for; onActivate (or onStartFailed) puts the browser's own back.
 */
function liftThreadCap(threads: number): void {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
  if (!nav || isNode || Object.hasOwn(nav, 'hardwareConcurrency')) return;
  Object.defineProperty(nav, 'hardwareConcurrency', { value: threads * 2, configurable: true });
  restoreThreadCap = () => {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
    restoreThreadCap = undefined;
  };
}

const BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];

/**
 * In Node, with a folder path, checks that the binaries are there before tfjs looks: tfjs's own failure
 * is a warning on the console and "could not create the backend", which a worker thread's error does
 * not carry. URLs (browsers) are fetched by tfjs and fail there with the URL.
 */
async function checkWasmDir(dir: string): Promise<void> {
  const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
  if (!isNode || /^[a-z][a-z0-9+.-]*:\/\//i.test(dir)) return;
  // Not a static import: @neurite/core also runs in browsers, where there is no node:fs.
  const fs = (await import(/* @vite-ignore */ `node:${'fs'}`)) as typeof import('node:fs');
  const missing = BINARIES.filter((f) => !fs.existsSync(`${dir}${f}`));
  if (missing.length === 0) return;
  throw new NeuriteError(
    `Backend 'wasm' cannot start: its WebAssembly binaries are not in ${dir} (missing ${missing.join(', ')}). ` +
      (wasmDir === undefined
        ? 'They ship in @neurite/core/dist/vendor: reinstall @neurite/core.'
        : 'setWasmDir() points there. Expected the folder holding the .wasm files of @neurite/core/dist/vendor: ' +
          'call setWasmDir() with that folder, or copy the files into this one.'),
  );
}

function defaultWasmDir(): string {
  const url = new URL('../vendor/', import.meta.url);
  if (url.protocol !== 'file:') return url.href;
  const path = decodeURIComponent(url.pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/**
 * tfjs's WebAssembly backend (XNNPACK, SIMD when the runtime has it), with Neurite's
 * Conv2DBackpropFilter, which tfjs 4.22's wasm backend lacks: without it no CNN trains on wasm. Neurite
 * also replaces Conv2DBackpropInput, MaxPoolGrad, Sum, Identity, Cast and BatchMatMul (with a transposed
 * operand) there, for speed or correctness.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * const info = await useBackend('wasm');
 * console.log(info.name, info.simd, info.threads); // 'wasm' true 1
 * ```
 */
export const wasm: BackendPlugin = {
  name: 'wasm',
  priority: 2,
  async isAvailable() {
    if (typeof WebAssembly !== 'object') {
      return {
        available: false,
        reason: 'this runtime has no WebAssembly',
        fix: "Use useBackend('cpu'), or a runtime with WebAssembly (Node 20+, any current browser).",
      };
    }
    return { available: true };
  },
  async init() {
    const dir = getWasmDir();
    await checkWasmDir(dir);
    tf.setWasmPaths(dir);
    if (wasmThreads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    else if (wasmThreads !== undefined) {
      tf.setThreadsCount(wasmThreads);
      liftThreadCap(wasmThreads);
    }
  },
  onActivate() {
    wasmStarted = true;
    restoreThreadCap?.();
  },
  onStartFailed() {
    restoreThreadCap?.();
  },
  kernels: [
    wasmConv2D,
    wasmFusedConv2D,
    wasmConv2DBackpropFilter,
    wasmConv2DBackpropInput,
    wasmMaxPoolGrad,
    wasmSum,
    wasmIdentity,
    wasmCast,
    wasmBatchMatMul,
  ],
  async details() {
    return {
      version: tf.version_wasm,
      simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
      threads: tf.getThreadsCount(),
    };
  },
};
