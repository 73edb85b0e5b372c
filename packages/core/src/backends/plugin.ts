import type { KernelBackend, KernelConfig } from '#tfjs';

/** The names Neurite knows about; plugins may add others. */
export type BackendName = 'cpu' | 'wasm' | 'webgpu' | (string & {});

/** Whether a backend can start here, and if not, why and what to do about it. */
export interface Availability {
  available: boolean;
  /** Why it cannot start, e.g. "no WebGPU adapter was found". */
  reason?: string;
  /** What to install or set, e.g. "apt-get install chromium libvulkan1". */
  fix?: string;
  /**
   * True when the backend runs but only emulated on the CPU (WebGPU over SwiftShader): it is correct,
   * so it may be named explicitly, but 'auto' passes it over for a faster one.
   */
  emulated?: string;
}

/**
 * A backend plugin: how Neurite starts one tfjs backend and which of Neurite's own kernels it adds.
 * cpu and wasm ship in @neurite/core; webgpu comes from @neurite/backend-webgpu.
 *
 * @example
 * ```ts
 * import { cpu, registerBackend, type BackendPlugin } from '@neurite/core';
 * // A plugin that reuses tfjs's cpu backend under another priority, for illustration only.
 * const slowCpu: BackendPlugin = { ...cpu, name: 'cpu', priority: 0 };
 * registerBackend(slowCpu, { override: true });
 * registerBackend(cpu, { override: true });
 * ```
 */
export interface BackendPlugin {
  /** The tfjs backend name this plugin starts. */
  name: BackendName;
  /** Higher wins when the choice is 'auto'. */
  priority: number;
  /** Cheap check: can this backend start on this machine, in this runtime? */
  isAvailable(): Promise<Availability>;
  /** Makes sure the tfjs backend factory is registered with the engine. Called once; idempotent. */
  init(): Promise<void>;
  /** Neurite's own kernels for this backend, registered over tfjs's after init. */
  kernels?: KernelConfig[];
  /** Called with the started tfjs backend, each time it becomes the active one. */
  onActivate?(backend: KernelBackend): void;
  /** Called when tfjs could not start the backend (after init), to undo what init set up for the start. */
  onStartFailed?(): void;
  /** Facts for backendInfo(): SIMD and threads for wasm, the adapter for webgpu. */
  details?(backend: KernelBackend): Promise<BackendDetails>;
}

/** Per-backend facts reported by backendInfo(). */
export interface BackendDetails {
  /** wasm: whether the SIMD build runs. */
  simd?: boolean;
  /** wasm: threads in use. */
  threads?: number;
  /** webgpu: the adapter that runs the shaders. */
  adapter?: { vendor: string; architecture: string; description?: string; device?: string };
  [key: string]: unknown;
}
