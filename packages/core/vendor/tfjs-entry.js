// The one copy of TensorFlow.js that Neurite runs on. build.mjs bundles this file (and everything it
// imports) into dist/vendor/tfjs.{node,browser}.js. Everything else in Neurite reaches tfjs through
// '#tfjs' (inside core) or '@neurite/core/tfjs' (backend plugins), so exactly one engine is ever live.
export * from '@tensorflow/tfjs-core';

// tfjs-core's ESM entry registers no gradients and no chained ops (x.add(y)); training needs both.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export { MathBackendCPU, version_cpu } from '@tensorflow/tfjs-backend-cpu';
export {
  BackendWasm,
  getThreadsCount,
  setThreadsCount,
  setWasmPaths,
  version_wasm,
} from '@tensorflow/tfjs-backend-wasm';
