// Browser entry: WebGPU through navigator.gpu.
import type { BackendPlugin } from '@neurite/core';
import { makeWebGPUPlugin } from './plugin.js';

/** Kept for parity with the Node entry; there is no SwiftShader path to name in a browser. */
export const SWIFTSHADER_ICD = '';

/**
 * The WebGPU backend plugin, over the browser's navigator.gpu.
 *
 * @example
 * ```ts
 * import { registerBackend, useBackend } from '@neurite/core';
 * import { webgpu } from '@neurite/backend-webgpu';
 * registerBackend(webgpu);
 * await useBackend('webgpu');
 * ```
 */
export const webgpu: BackendPlugin = makeWebGPUPlugin({
  async gpu() {
    const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
    if (!nav?.gpu) throw new Error('navigator.gpu is missing: this browser exposes no WebGPU');
    return nav.gpu;
  },
  fix:
    'Use a browser with WebGPU (Chrome or Edge 113+, Safari 26+), start Chromium with --enable-unsafe-webgpu, ' +
    'or choose another backend (?backend=wasm).',
});
