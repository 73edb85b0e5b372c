import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { webgpu } from '@neurite/backend-webgpu';
import { engine, findBackend, registerBackend, tensor, useBackend } from '@neurite/core';
import * as coreTfjs from '@neurite/core/tfjs';
import { describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

function runNode(code: string, env: Record<string, string | undefined>) {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: pkgDir,
    env: merged,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('@neurite/backend-webgpu', () => {
  it('drives the one tfjs engine of @neurite/core', async () => {
    registerBackend(webgpu, { override: true });
    const info = await useBackend('webgpu');
    expect(info.name).toBe('webgpu');
    expect(info.adapter?.vendor).toBeTruthy();
    // The engine tfjs keeps on globalThis is the one core's functions use...
    expect((globalThis as { _tfengine?: unknown })._tfengine).toBe(engine());
    expect(coreTfjs.engine()).toBe(engine());
    // ...and the webgpu backend lives in it.
    expect(findBackend('webgpu')).toBe(engine().backend);
    expect(Array.from(await tensor([1, 2]).add(1).data())).toEqual([2, 3]);
  });

  it('ships no copy of tfjs-core in its bundle', () => {
    const bundle = readFileSync(new URL('../dist/vendor/tfjs-webgpu.js', import.meta.url), 'utf8');
    // Each of these is defined once, inside tfjs-core; a bundled copy would define them again.
    expect(bundle).not.toMatch(/class Engine\b/);
    expect(bundle).not.toMatch(/var version_core|const version_core/);
    expect(bundle).toMatch(/from "@neurite\/core\/tfjs"/);
  });

  it('fails without an adapter, naming the fix', () => {
    const r = runNode(
      "import { registerBackend, useBackend } from '@neurite/core'; import { webgpu } from '@neurite/backend-webgpu';" +
        "registerBackend(webgpu); await useBackend('webgpu');",
      { VK_ICD_FILENAMES: '/nonexistent/icd.json' },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("Backend 'webgpu' cannot start here: no WebGPU adapter was found.");
    expect(r.stderr).toContain('apt-get install libvulkan1 chromium');
    expect(r.stderr).toContain('VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json');
    expect(r.stderr).toContain('NeuriteError: Backend');
  });

  it("falls back from webgpu under 'auto' and says why", () => {
    const r = runNode(
      "import { registerBackend, useBackend } from '@neurite/core'; import { webgpu } from '@neurite/backend-webgpu';" +
        "registerBackend(webgpu); console.log(JSON.stringify(await useBackend('auto')));",
      { VK_ICD_FILENAMES: '/nonexistent/icd.json', NEURITE_BACKEND: undefined },
    );
    const info = JSON.parse(r.stdout);
    expect(info.name).toBe('wasm');
    expect(info.reason).toContain('webgpu cannot start (no WebGPU adapter was found)');
  });

  it('turns a synchronous read in Node into advice', async () => {
    await useBackend('webgpu');
    // Large enough that tfjs runs it on the GPU rather than handing it to the CPU.
    const t = tensor(Array.from({ length: 4096 }, (_, i) => i)).mul(2);
    expect(() => t.dataSync()).toThrow('dataSync()/arraySync() cannot read a webgpu tensor here');
    expect((await t.data())[4095]).toBe(8190);
  });
});

describe("'auto' and SwiftShader", () => {
  it('passes over a CPU-emulated adapter, and says so', () => {
    const r = runNode(
      "import { registerBackend, useBackend } from '@neurite/core'; import { webgpu } from '@neurite/backend-webgpu';" +
        "registerBackend(webgpu); console.log(JSON.stringify(await useBackend('auto')));",
      { NEURITE_BACKEND: undefined, VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' },
    );
    const info = JSON.parse(r.stdout);
    expect(info.name).toBe('wasm');
    expect(info.reason).toContain('webgpu passed over: its adapter (google swiftshader) emulates a GPU on the CPU');
  });
});
