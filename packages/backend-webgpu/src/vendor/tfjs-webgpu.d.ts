// Types of the esbuild bundle at dist/vendor/tfjs-webgpu.js (see build.mjs).
export declare const WebGPUBackend: unknown;
export declare const webgpu_util: unknown;
