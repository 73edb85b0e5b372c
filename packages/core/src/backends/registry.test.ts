import { fileURLToPath } from 'node:url';
import { backendInfo, cpu, listBackends, NeuriteError, registerBackend, useBackend } from '@neurite/core';
import { describe, expect, it } from 'vitest';
import { runNode } from '../../test/subprocess.js';

const coreDir = fileURLToPath(new URL('../..', import.meta.url));

describe('useBackend', () => {
  it('rejects an unknown name, listing the choices', async () => {
    await expect(useBackend('webgl')).rejects.toThrow(
      "Unknown backend 'webgl'. Expected one of: webgpu, wasm, cpu, auto. Received: useBackend('webgl').",
    );
    await expect(useBackend('webgl')).rejects.toBeInstanceOf(NeuriteError);
  });

  it('starts cpu and wasm and reports why', async () => {
    const c = await useBackend('cpu');
    expect(c).toMatchObject({ name: 'cpu', requested: 'cpu', source: 'argument', tfjs: '4.22.0' });
    const w = await useBackend('wasm');
    expect(w).toMatchObject({ name: 'wasm', simd: true, threads: 1 });
    expect(backendInfo().name).toBe('wasm');
  });

  it('refuses to register a name twice without override', () => {
    expect(() => registerBackend(cpu)).toThrow("Backend 'cpu' is already registered. Pass { override: true }");
    registerBackend(cpu, { override: true });
    expect(listBackends()).toContain('cpu');
  });
});

describe('useBackend in a fresh process', () => {
  it('makes forgetting useBackend() an error that says what to call', () => {
    const r = runNode("import { tensor } from '@neurite/core'; tensor([1, 2]);", { cwd: coreDir });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('No backend is selected. Neurite needs `await useBackend()` before any math');
  });

  it('reads NEURITE_BACKEND when no name is passed, and trains a conv2d filter there', () => {
    const r = runNode(
      "import * as nc from '@neurite/core'; const i = await nc.useBackend();" +
        'const x = nc.ones([1, 4, 4, 1]); const f = nc.variable(nc.ones([3, 3, 1, 2]));' +
        "const { grads } = nc.variableGrads(() => nc.conv2d(x, f, 1, 'valid').sum());" +
        'console.log(JSON.stringify({ ...i, grad: Array.from(await grads[f.name].data()) }));',
      { cwd: coreDir, env: { NEURITE_BACKEND: 'wasm' } },
    );
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ name: 'wasm', source: 'NEURITE_BACKEND', requested: 'wasm' });
    // Each filter tap sees a 2x2 window of ones: d(sum)/df = 4 everywhere.
    expect(out.grad).toEqual(Array(18).fill(4));
  });

  it('names NEURITE_BACKEND in the error when it holds a bad value', () => {
    const r = runNode("import { useBackend } from '@neurite/core'; await useBackend();", {
      cwd: coreDir,
      env: { NEURITE_BACKEND: 'webgl' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      "Unknown backend 'webgl'. Expected one of: wasm, cpu, webgpu, auto. Received: NEURITE_BACKEND='webgl'. " +
        'Set NEURITE_BACKEND to one of those names, or unset it to choose automatically.',
    );
  });

  it('says where webgpu lives when its plugin is not registered', () => {
    const r = runNode("import { useBackend } from '@neurite/core'; await useBackend('webgpu');", { cwd: coreDir });
    expect(r.stderr).toContain(
      "Backend 'webgpu' is not registered. Received: useBackend('webgpu'). It ships in @neurite/backend-webgpu",
    );
  });

  it('names the folder and the fix when setWasmDir() points where the wasm binaries are not, then starts once fixed', () => {
    const r = runNode(
      "import { getWasmDir, setWasmDir, useBackend } from '@neurite/core'; const good = getWasmDir();" +
        "setWasmDir('/tmp/no-such-neurite-wasm'); try { await useBackend('wasm'); } catch (e) { console.log(e.message); }" +
        "setWasmDir(good); console.log((await useBackend('wasm')).name, getWasmDir() === good);",
      { cwd: coreDir },
    );
    expect(r.stdout.trim().split('\n')).toEqual([
      "Backend 'wasm' cannot start: its WebAssembly binaries are not in /tmp/no-such-neurite-wasm/ (missing " +
        'tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm). setWasmDir() points there. Expected the folder ' +
        'holding the .wasm files of @neurite/core/dist/vendor: call setWasmDir() with that folder, or copy the files into this one.',
      'wasm true',
    ]);
  });

  it("picks wasm for 'auto' when webgpu is not registered", () => {
    const r = runNode(
      "import { useBackend } from '@neurite/core'; console.log(JSON.stringify(await useBackend('auto')));",
      { cwd: coreDir, env: { NEURITE_BACKEND: undefined } },
    );
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ name: 'wasm', requested: 'auto', source: 'argument' });
    expect(info.reason).toContain('wasm is the highest-priority backend that starts');
  });

  it("leaves the process without the wasm glue's rethrowing handlers, so an uncaught error shows where it was thrown", () => {
    const r = runNode(
      [
        "import { useBackend } from '@neurite/core';",
        "const starting = useBackend('wasm');",
        // A program's own listener, added while the backend starts, stays.
        "const mine = () => {}; process.on('unhandledRejection', mine);",
        'await starting;',
        "const kept = process.listeners('unhandledRejection').includes(mine);",
        "process.removeListener('unhandledRejection', mine);",
        "console.log(process.listeners('uncaughtException').length, process.listeners('unhandledRejection').length, kept);",
        "throw new Error('thrown by the user');",
      ].join('\n'),
      { cwd: coreDir },
    );
    expect(r.stdout.trim()).toBe('0 0 true');
    expect(r.status).not.toBe(0);
    // Node's report starts with the throwing line: the user's code, not tfjs.node.js's `throw ex;`.
    expect(r.stderr.split('\n')[0]).not.toContain('tfjs.node.js');
    expect(r.stderr).not.toContain('throw ex;');
    expect(r.stderr).toContain("throw new Error('thrown by the user');");
  });
});
