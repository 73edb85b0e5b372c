import type * as tf from '#tfjs';
import { requireStockKernel } from '../internal/stock_kernels.js';

// biome-ignore lint/suspicious/noExplicitAny: BackendWasm's incRef is not in tfjs's public types.
type Wasm = any;

const stock = (kernelName: string) => requireStockKernel(kernelName, 'wasm');

/** A second tensor over the same wasm memory: tensors are immutable, so sharing is safe (as in Reshape). */
function share(x: tf.TensorInfo, backend: Wasm): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Identity for wasm. While a gradient is being recorded, tfjs clones every tensor a gradient will need
 * (the input of each relu, conv and pooling) with this kernel, and tfjs 4.22's wasm kernel copies the
 * data each time (2.7 ms for the MNIST CNN's first activation). This one shares it, as tfjs's cpu kernel does.
 */
export const wasmIdentity: tf.KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    return x.dtype === 'string' ? stock('Identity').kernelFunc(args) : share(x, args.backend);
  },
};

/**
 * Cast for wasm: a cast to the dtype the tensor already has shares its data instead of copying it
 * (relu's gradient casts its float32 mask to float32 at every step). A cast to bool is done here too:
 * tfjs 4.22's wasm kernel copies the low byte (0.2 -> 0, 256 -> 0, -2 -> 254) where cpu gives x != 0.
 * Other casts are tfjs's.
 */
export const wasmCast: tf.KernelConfig = {
  kernelName: 'Cast',
  backendName: 'wasm',
  setupFunc: (backend) => stock('Cast').setupFunc?.(backend),
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    if (x.dtype === dtype && dtype !== 'string') return share(x, args.backend);
    if (dtype !== 'bool' || (x.dtype !== 'float32' && x.dtype !== 'int32')) return stock('Cast').kernelFunc(args);
    const wasm = args.backend as Wasm;
    const out = wasm.makeOutput(x.shape, 'bool');
    // Views into the wasm heap: take them after makeOutput, which may grow (and move) the heap.
    const src = wasm.typedArrayFromHeap(x) as Float32Array | Int32Array;
    const dst = wasm.typedArrayFromHeap(out) as Uint8Array;
    for (let i = 0; i < dst.length; i++) dst[i] = src[i] !== 0 ? 1 : 0; // NaN is true, as on cpu
    return out;
  },
};
