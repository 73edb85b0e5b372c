// Importing tfjs-backend-webgpu registers the 'webgpu' factory with the engine, provided
// navigator.gpu exists when it loads: the plugin sets it first, then imports this bundle.
export { WebGPUBackend, webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
