import * as tf from '#tfjs';
import { NeuriteError } from '../errors.js';
import { getStockKernel, keepStockKernel } from '../internal/stock_kernels.js';
import { cpu } from './cpu.js';
import type { BackendDetails, BackendName, BackendPlugin } from './plugin.js';
import { wasm } from './wasm.js';

// cpu and wasm ship in core, so they are registered from the start; other plugins call registerBackend().
const plugins = new Map<string, BackendPlugin>([
  [cpu.name, cpu],
  [wasm.name, wasm],
]);
const initialised = new Set<string>();
const kernelsInstalled = new Set<string>();

/** Where the active backend's name came from. */
export type BackendSource = 'argument' | 'NEURITE_BACKEND' | 'default';

/** What useBackend() chose, and why. */
export interface BackendInfo extends BackendDetails {
  /** The active backend. */
  name: string;
  /** What was asked for: a backend name or 'auto'. */
  requested: string;
  /** Where the request came from. */
  source: BackendSource;
  /** One line on why this backend runs, e.g. "auto: webgpu has no adapter here (...); wasm starts". */
  reason: string;
  /** The bundled tfjs-core version. */
  tfjs: string;
}

let current: BackendInfo | undefined;

/** Neurite's well-known backends, and where each one comes from, for error messages. */
const KNOWN: Record<string, string> = {
  cpu: '@neurite/core',
  wasm: '@neurite/core',
  webgpu: '@neurite/backend-webgpu',
};

/**
 * Adds a backend plugin. Registering a name twice throws unless `{ override: true }`.
 *
 * @example
 * ```ts
 * import { registerBackend, listBackends, wasm } from '@neurite/core';
 * registerBackend(wasm, { override: true }); // wasm is already there; override replaces it
 * console.log(listBackends().includes('wasm')); // true
 * ```
 */
export function registerBackend(plugin: BackendPlugin, options: { override?: boolean } = {}): void {
  if (plugins.has(plugin.name) && !options.override) {
    throw new NeuriteError(`Backend '${plugin.name}' is already registered. Pass { override: true } to replace it.`);
  }
  plugins.set(plugin.name, plugin);
  kernelsInstalled.delete(plugin.name);
}

/**
 * The names of the registered backend plugins, highest priority first.
 *
 * @example
 * ```ts
 * import { listBackends } from '@neurite/core';
 * console.log(listBackends()); // e.g. ['wasm', 'cpu'], plus 'webgpu' once its plugin is registered
 * ```
 */
export function listBackends(): string[] {
  return [...plugins.values()].sort((a, b) => b.priority - a.priority).map((p) => p.name);
}

/** The registered plugin for a name, if any. */
export function getBackendPlugin(name: string): BackendPlugin | undefined {
  return plugins.get(name);
}

function envBackend(): string | undefined {
  const value = typeof process !== 'undefined' ? process.env?.NEURITE_BACKEND : undefined;
  return value === undefined || value === '' ? undefined : value;
}

function choices(): string {
  return [...new Set([...listBackends(), ...Object.keys(KNOWN)]), 'auto'].join(', ');
}

function received(name: string, source: BackendSource): string {
  return source === 'NEURITE_BACKEND' ? `NEURITE_BACKEND='${name}'` : `useBackend('${name}')`;
}

/**
 * Starts a backend and makes it the one all math runs on. Call it once, before any math.
 *
 * With no argument it reads `NEURITE_BACKEND`, else `'auto'`: webgpu when its plugin is registered and
 * a real (not CPU-emulated) adapter exists, else wasm, else cpu. A backend named explicitly never falls back: if it cannot
 * start, the error says why and what to install or set.
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * const info = await useBackend('cpu');
 * console.log(info.name); // 'cpu'
 * tensor([1, 2, 3]).square().print();
 * ```
 */
export async function useBackend(name?: BackendName | 'auto'): Promise<BackendInfo> {
  const fromEnv = name === undefined ? envBackend() : undefined;
  const requested = (name ?? fromEnv ?? 'auto').trim().toLowerCase();
  const source: BackendSource = name !== undefined ? 'argument' : fromEnv !== undefined ? 'NEURITE_BACKEND' : 'default';

  if (requested === 'auto') {
    const skipped: string[] = [];
    for (const plugin of [...plugins.values()].sort((a, b) => b.priority - a.priority)) {
      const availability = await plugin.isAvailable();
      if (!availability.available) {
        skipped.push(`${plugin.name} cannot start (${availability.reason ?? 'unavailable'})`);
        continue;
      }
      if (availability.emulated) {
        skipped.push(`${plugin.name} passed over: ${availability.emulated}`);
        continue;
      }
      try {
        const reason = `auto: ${[...skipped, `${plugin.name} is the highest-priority backend that starts`].join('; ')}`;
        return await activate(plugin, requested, source, reason);
      } catch (e) {
        skipped.push(`${plugin.name} failed to start (${(e as Error).message})`);
      }
    }
    throw new NeuriteError(
      `No backend could start. Tried: ${skipped.join('; ') || 'none registered'}. ` +
        'Register one with registerBackend(cpu) from @neurite/core.',
    );
  }

  const plugin = plugins.get(requested);
  if (!plugin) {
    if (KNOWN[requested]) {
      throw new NeuriteError(
        `Backend '${requested}' is not registered. Received: ${received(requested, source)}. ` +
          `It ships in ${KNOWN[requested]}: install it (pnpm add ${KNOWN[requested]}), then ` +
          `import { ${requested} } from '${KNOWN[requested]}' and call registerBackend(${requested}) before useBackend().`,
      );
    }
    const fix =
      source === 'NEURITE_BACKEND'
        ? 'Set NEURITE_BACKEND to one of those names, or unset it to choose automatically.'
        : 'Pass one of those names, or register a plugin for it with registerBackend().';
    throw new NeuriteError(
      `Unknown backend '${requested}'. Expected one of: ${choices()}. Received: ${received(requested, source)}. ${fix}`,
    );
  }
  const availability = await plugin.isAvailable();
  if (!availability.available) {
    throw new NeuriteError(
      `Backend '${requested}' cannot start here: ${availability.reason ?? 'it reports itself unavailable'}. ` +
        `Received: ${received(requested, source)}. ${availability.fix ?? ''}`.trim(),
    );
  }
  return activate(plugin, requested, source, `${requested} was requested (${received(requested, source)})`);
}

const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * Runs `start` and then removes any 'uncaughtException' or 'unhandledRejection' listener it added to
 * the process. tfjs-backend-wasm's emscripten glue adds both (each rethrows), and tfjs's own attempt to
 * remove them never matches; with them in place every uncaught error in the program, ours or the
 * user's, is reported at the glue's `throw ex;` line inside tfjs.node.js instead of where it was thrown.
 */
/** emscripten's listeners: `function(ex) { if (!(ex instanceof ExitStatus)) throw ex; }`, `function(reason) { throw reason; }`. */
function isGlueRethrow(listener: unknown): boolean {
  const source = String(listener).replace(/\s+/g, ' ');
  return (
    source.length < 200 &&
    (/^function\s*\(ex\) \{ if \(!\(ex instanceof ExitStatus\)\) \{ throw ex; \} \}$/.test(source) ||
      /^function\s*\(reason\) \{ throw reason; \}$/.test(source))
  );
}

async function keepingProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  type Listener = (...args: unknown[]) => void;
  const proc =
    typeof process !== 'undefined' && typeof process.listeners === 'function'
      ? (process as unknown as { listeners(e: string): Listener[]; removeListener(e: string, l: Listener): void })
      : undefined;
  if (!proc) return start();
  const before = PROCESS_EVENTS.map((event) => new Set(proc.listeners(event)));
  try {
    return await start();
  } finally {
    PROCESS_EVENTS.forEach((event, i) => {
      for (const listener of proc.listeners(event)) {
        // Only emscripten's: a listener the program adds meanwhile (a logger starting alongside) stays.
        if (!before[i].has(listener) && isGlueRethrow(listener)) proc.removeListener(event, listener);
      }
    });
  }
}

async function activate(
  plugin: BackendPlugin,
  requested: string,
  source: BackendSource,
  reason: string,
): Promise<BackendInfo> {
  const firstStart = !initialised.has(plugin.name);
  if (firstStart) {
    await plugin.init();
    initialised.add(plugin.name);
  }
  if (!kernelsInstalled.has(plugin.name)) {
    for (const kernel of plugin.kernels ?? []) {
      // Ours replace tfjs's stock kernel of the same name (e.g. Conv2DBackpropFilter on cpu).
      const existing = tf.getKernel(kernel.kernelName, plugin.name);
      if (existing) {
        keepStockKernel(existing);
        tf.unregisterKernel(kernel.kernelName, plugin.name);
      }
      tf.registerKernel({ ...kernel, backendName: plugin.name });
    }
    kernelsInstalled.add(plugin.name);
  }
  let started = false;
  try {
    started = await keepingProcessHandlers(() => tf.setBackend(plugin.name));
  } catch (e) {
    throw new NeuriteError(`Backend '${plugin.name}' failed to start: ${(e as Error).message}`);
  } finally {
    if (!started) {
      plugin.onStartFailed?.();
      // A failed first start runs init again next time (a fixed setWasmDir() is then read).
      if (firstStart) initialised.delete(plugin.name);
    }
  }
  if (!started) {
    throw new NeuriteError(
      `Backend '${plugin.name}' failed to start: tfjs could not create it (see the warning above). ` +
        'Run `neurite-mnist info` or backendInfo() on another backend to see what this machine offers.',
    );
  }
  const backend = tf.backend();
  plugin.onActivate?.(backend);
  const details = (await plugin.details?.(backend)) ?? {};
  current = { ...details, name: plugin.name, requested, source, reason, tfjs: tf.version_core };
  return { ...current };
}

/**
 * tfjs's own kernel that a Neurite kernel replaced on a backend, if any: for benchmarks and tests that
 * compare the two. Undefined when tfjs had none (e.g. Conv2DBackpropFilter on wasm) or nothing was replaced.
 *
 * @example
 * ```ts
 * import { stockKernel, useBackend } from '@neurite/core';
 * await useBackend('cpu');
 * console.log(stockKernel('Conv2DBackpropFilter', 'cpu')?.backendName); // 'cpu'
 * ```
 */
export function stockKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return getStockKernel(kernelName, backendName);
}

/**
 * What runs now: the backend's name, why it was chosen, and its details (SIMD and threads for wasm,
 * the adapter's vendor and architecture for webgpu).
 *
 * @example
 * ```ts
 * import { useBackend, backendInfo } from '@neurite/core';
 * await useBackend('wasm');
 * console.log(backendInfo().name, backendInfo().simd); // 'wasm' true
 * ```
 */
export function backendInfo(): BackendInfo {
  if (!current) throw noBackendError();
  return { ...current };
}

function noBackendError(): NeuriteError {
  return new NeuriteError(
    'No backend is selected. Neurite needs `await useBackend()` before any math ' +
      "(or useBackend('cpu' | 'wasm' | 'webgpu' | 'auto'); NEURITE_BACKEND sets the default).",
  );
}

// tfjs would quietly pick a backend on first use, or fail with advice about tf.ready(); make
// forgetting useBackend() an error that says what to call instead.
// biome-ignore lint/suspicious/noExplicitAny: patching one engine method that tfjs does not type publicly.
const engine = tf.engine() as any;
const pickBest = engine.initializeBackendsAndReturnBest.bind(engine);
engine.initializeBackendsAndReturnBest = () => {
  if (!current) throw noBackendError();
  return pickBest();
};
