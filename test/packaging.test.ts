// Every published package packs, passes publint and attw, installs from its tarball into an empty
// folder, type-checks and runs under Node ESM on cpu, wasm and webgpu (scripts/pack-check.mjs).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('packs, installs from tarballs and imports with types', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync(process.execPath, ['scripts/pack-check.mjs'], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  const output = `${r.stdout}\n${r.stderr}`;
  expect(output, output.slice(-4000)).toContain(
    'pack-check: installed packages import and agree on cpu, wasm and webgpu',
  );
  expect(r.status).toBe(0);
}, 600_000);
