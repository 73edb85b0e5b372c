// Node entry: WebGPU through dawn.node (the `webgpu` package) over a Vulkan driver.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendPlugin } from '@neurite/core';
import { makeWebGPUPlugin } from './plugin.js';

/** Debian's chromium package ships SwiftShader, a CPU Vulkan driver that Dawn accepts. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const FIX =
  'WebGPU in Node needs a Vulkan driver. On Debian/Ubuntu: apt-get install libvulkan1 chromium, then ' +
  `set VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (SwiftShader: correct but slow, a CPU emulation), ` +
  "or install your GPU vendor's Vulkan driver. Or choose another backend: --backend wasm / NEURITE_BACKEND=wasm.";

function hasHardwareVulkan(): boolean {
  if (existsSync('/dev/dri')) return true;
  for (const dir of ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d']) {
    if (existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('nvidia'))) return true;
  }
  return false;
}

let gpu: Promise<GPU> | undefined;

async function loadDawn(): Promise<GPU> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator?.gpu) return g.navigator.gpu;
  const env = process.env;
  // With no driver named and no GPU device node, the software drivers Mesa may offer (lavapipe) are
  // rejected by Dawn; SwiftShader from chromium is the one that works, so name it.
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && !hasHardwareVulkan() && existsSync(SWIFTSHADER_ICD)) {
    env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  // Dawn's window-system probes print "XDG_RUNTIME_DIR is invalid" on headless machines.
  env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'neurite-xdg-'));
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (e) {
    throw new Error(`the webgpu package (dawn.node) failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
  Object.assign(globalThis, dawn.globals);
  const instance = dawn.create([]);
  if (g.navigator) {
    Object.defineProperty(g.navigator, 'gpu', { value: instance, configurable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: instance }, configurable: true, writable: true });
  }
  return instance;
}

/**
 * The WebGPU backend plugin. In Node it runs through dawn.node and a Vulkan driver; with no driver named
 * and no GPU, it uses SwiftShader from Debian's chromium package when that is installed.
 *
 * @example
 * ```ts
 * import { registerBackend, useBackend } from '@neurite/core';
 * import { webgpu } from '@neurite/backend-webgpu';
 * registerBackend(webgpu);
 * const info = await useBackend('webgpu');
 * console.log(info.adapter?.vendor); // e.g. 'google' (SwiftShader)
 * ```
 */
export const webgpu: BackendPlugin = makeWebGPUPlugin({
  gpu: () => {
    gpu ??= loadDawn();
    return gpu;
  },
  fix: FIX,
});
