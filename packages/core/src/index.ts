// @neurite/core: tfjs-core's ops and autodiff under their tfjs names, plus Neurite's backend registry,
// seeded randomness and memory helpers. Names defined here (registerBackend, randomNormal, ...) take
// precedence over tfjs's of the same name.
import { assertSingleCopy } from './single_copy.js';

export * from '#tfjs';
export { cpu } from './backends/cpu.js';
export type { Availability, BackendDetails, BackendName, BackendPlugin } from './backends/plugin.js';
export {
  type BackendInfo,
  type BackendSource,
  backendInfo,
  getBackendPlugin,
  listBackends,
  registerBackend,
  stockKernel,
  useBackend,
} from './backends/registry.js';
export { getWasmDir, setWasmDir, setWasmThreads, wasm } from './backends/wasm.js';
export { NeuriteError } from './errors.js';
export { jsonDepth } from './json.js';
export { countLeaks, type LiveTensors, liveTensors } from './memory.js';
// Ops that tfjs lacks a kernel or a gradient for on some backend, written from ops every backend has.
export { avgPoolSame } from './ops/avg_pool_same.js';
export { type Conv2dBiasReluOptions, conv2dBiasRelu } from './ops/conv2d_bias_relu.js';
export { type DepthwiseConvolveOptions, depthwiseConvolve } from './ops/depthwise_conv2d.js';
export { dilateFilter } from './ops/dilate_filter.js';
export { gatherRows } from './ops/gather_rows.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './ops/gradients.js';
export {
  createRng,
  dropout,
  multinomial,
  nextSeed,
  permutation,
  type Rng,
  random,
  randomGamma,
  randomNormal,
  randomStandardNormal,
  randomState,
  randomUniform,
  randomUniformInt,
  type Shape,
  setSeed,
  truncatedNormal,
} from './random.js';
export { assertSingleCopy } from './single_copy.js';

// A second copy of this package in the process refuses to load (see single_copy.ts).
assertSingleCopy('@neurite/core', import.meta.url);
