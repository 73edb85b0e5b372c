// Types of the bundled tfjs (dist/vendor/tfjs.*.js): tfjs-core's public API plus the two backends' classes.
export * from '@tensorflow/tfjs-core';
export declare const version_cpu: string;
export declare const version_wasm: string;
export declare function setWasmPaths(prefixOrFileMap: string | Record<string, string>, usePlatformFetch?: boolean): void;
export declare function getThreadsCount(): number;
export declare function setThreadsCount(numThreads: number): void;
// biome-ignore lint/suspicious/noExplicitAny: backend internals are reached only by Neurite's own kernels.
export declare const MathBackendCPU: any;
// biome-ignore lint/suspicious/noExplicitAny: as above.
export declare const BackendWasm: any;
// Chained ops (x.square().sum()) are declared as augmentations of Tensor in this file.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
