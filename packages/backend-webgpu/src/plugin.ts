import { type Availability, type BackendPlugin, NeuriteError } from '@neurite/core';

/** How a runtime finds its GPU: navigator.gpu in a browser, dawn.node in Node. */
export interface GpuSource {
  /** Returns the GPU entry point, or throws with the reason it cannot be had here. */
  gpu(): Promise<GPU>;
  /** What to install or set when no adapter is found, for this runtime. */
  fix: string;
}

/** Builds the webgpu plugin over one way of finding a GPU. */
export function makeWebGPUPlugin(source: GpuSource): BackendPlugin {
  let availability: Promise<Availability> | undefined;
  let adapterInfo: GPUAdapterInfo | undefined;

  const check = async (): Promise<Availability> => {
    let gpu: GPU;
    try {
      gpu = await source.gpu();
    } catch (e) {
      return { available: false, reason: (e as Error).message, fix: source.fix };
    }
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      return { available: false, reason: 'no WebGPU adapter was found', fix: source.fix };
    }
    adapterInfo = adapter.info;
    const { vendor, architecture, device, description } = adapter.info;
    const names = `${architecture} ${device} ${description}`;
    if (adapter.info.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|software/i.test(names)) {
      return {
        available: true,
        emulated: `its adapter (${vendor} ${architecture || description}) emulates a GPU on the CPU, slower than wasm`,
      };
    }
    return { available: true };
  };

  return {
    name: 'webgpu',
    priority: 3,
    isAvailable() {
      availability ??= check();
      return availability;
    },
    async init() {
      const { available, reason, fix } = await this.isAvailable();
      if (!available) throw new NeuriteError(`Backend 'webgpu' cannot start here: ${reason}. ${fix ?? ''}`.trim());
      // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it loads.
      await import('./vendor/tfjs-webgpu.js');
    },
    onActivate(backend) {
      guardSyncReads(backend);
    },
    async details(backend) {
      const info = (backend as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
      return {
        adapter: {
          vendor: info?.vendor || adapterInfo?.vendor || 'unknown',
          architecture: info?.architecture || adapterInfo?.architecture || 'unknown',
          device: adapterInfo?.device || undefined,
          description: adapterInfo?.description || undefined,
        },
      };
    },
  };
}

const guarded = new WeakSet<object>();

/**
 * tfjs reads a GPU buffer synchronously by drawing it to an OffscreenCanvas. Node has none, so there
 * dataSync()/arraySync() on a GPU-resident tensor would die with a ReferenceError from inside tfjs;
 * say instead what to call.
 */
function guardSyncReads(backend: object): void {
  if (guarded.has(backend) || typeof OffscreenCanvas !== 'undefined') return;
  guarded.add(backend);
  const b = backend as { readSync(dataId: object): unknown };
  const readSync = b.readSync.bind(backend);
  b.readSync = (dataId: object) => {
    try {
      return readSync(dataId);
    } catch (e) {
      if (e instanceof ReferenceError && e.message.includes('OffscreenCanvas')) {
        throw new NeuriteError(
          'dataSync()/arraySync() cannot read a webgpu tensor here: a synchronous GPU read needs ' +
            'OffscreenCanvas, which Node lacks. Use `await tensor.data()` or `await tensor.array()` instead.',
        );
      }
      throw e;
    }
  };
}
