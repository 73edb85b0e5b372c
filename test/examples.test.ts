// Every `@example` in the TSDoc of a published package's source runs, as a user would paste it: each
// one is compiled from TypeScript with esbuild and executed in a fresh Node process next to the package.
// Examples that need a test runner (they import vitest) are type-only and are skipped here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

interface Example {
  file: string;
  line: number;
  code: string;
  pkgDir: string;
}

function examples(): Example[] {
  const found: Example[] = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const pkgDir = join(root, 'packages', pkg);
    for (const file of sources(join(pkgDir, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g;
      for (const m of text.matchAll(re)) {
        const code = m[1]
          .split('\n')
          .map((l) => l.replace(/^\s*\* ?/, ''))
          .join('\n');
        const line = text.slice(0, m.index).split('\n').length;
        found.push({ file: relative(root, file), line, code, pkgDir });
      }
    }
  }
  return found;
}

const all = examples();
const scratch = join(root, 'test-output', 'examples');

describe('TSDoc examples', () => {
  it('finds examples in every published package', () => {
    const files = new Set(all.map((e) => e.file.split('/')[1]));
    expect(files).toContain('core');
    expect(files).toContain('backend-webgpu');
    expect(all.length).toBeGreaterThan(15);
  });

  for (const ex of all) {
    // Test-kit examples (vitest, or a package's ./testing entry) need a test runner: type-checked only.
    const runnable = !ex.code.includes("from 'vitest'") && !ex.code.includes("/testing'");
    it.runIf(runnable)(`${ex.file}:${ex.line} runs`, () => {
      mkdirSync(scratch, { recursive: true });
      const js = transformSync(ex.code, { loader: 'ts', format: 'esm', target: 'es2022' }).code;
      // Written inside the package so that its own name and its dependencies resolve.
      const file = join(ex.pkgDir, `.example-${ex.line}-${Math.random().toString(36).slice(2)}.mjs`);
      writeFileSync(file, js);
      try {
        const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120_000 });
        expect(r.status, `${ex.file}:${ex.line}\n${ex.code}\n--- stderr ---\n${r.stderr}`).toBe(0);
      } finally {
        rmSync(file, { force: true });
      }
    });
  }
});
