import type * as tf from '#tfjs';

// tfjs's own kernels that Neurite's replaced, keyed "<backend>/<kernel>". Kept apart from the registry
// so that kernels which hand some cases back to tfjs's (Sum) can reach them without an import cycle.
const stock = new Map<string, tf.KernelConfig>();

/** Records tfjs's kernel before Neurite's replaces it; the first one recorded is the stock one. */
export function keepStockKernel(kernel: tf.KernelConfig): void {
  const key = `${kernel.backendName}/${kernel.kernelName}`;
  if (!stock.has(key)) stock.set(key, kernel);
}

export function getStockKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return stock.get(`${backendName}/${kernelName}`);
}

/** The stock kernel a Neurite kernel hands a case back to; throws if it was never recorded (a wiring bug). */
export function requireStockKernel(kernelName: string, backendName: string): tf.KernelConfig {
  const kernel = getStockKernel(kernelName, backendName);
  if (!kernel) {
    throw new Error(`${kernelName} on ${backendName}: tfjs's kernel was not recorded before Neurite's replaced it`);
  }
  return kernel;
}
