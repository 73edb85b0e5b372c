// Every `@example` in the TSDoc of a published package's source runs, as a user would paste it: each
// one is compiled from TypeScript with esbuild and executed in a fresh Node process next to the package.
// Examples that need a test runner (they import vitest) are type-only and are skipped here.
// A `console.log(...); // expected` line must print what its comment says (the rules, spaces and
// quotes ignored, numbers to 6 digits or `about` 2%, `...` and `e.g.`, are in fixtures/expect-output.mjs).
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

/** A console.log line with an expected-output comment, as the example's code and the check that replaces it. */
const EXPECTING = /^(\s*)console\.log\((.*)\);\s*\/\/\s*(.+)$/;

/**
 * The example with each `console.log(args); // expected` turned into a check, and a preamble that
 * compares what console.log would print with the comment and fails the process on a difference.
 */
function instrument(code: string): { code: string; checks: number } {
  let checks = 0;
  const lines = code.split('\n').map((line, i) => {
    const m = EXPECTING.exec(line);
    if (!m) return line;
    checks++;
    return `${m[1]}__expect(${i + 1}, ${JSON.stringify(m[3].trim())}, ${m[2]});`;
  });
  const preamble = `import { expectPrinted as __expect } from ${JSON.stringify(new URL('fixtures/expect-output.mjs', import.meta.url).href)};\n`;
  return { code: preamble + lines.join('\n'), checks };
}

const all = examples();
const scratch = join(root, 'test-output', 'examples');

describe('TSDoc examples', () => {
  it('checks printed lines against their comments, and catches a wrong one', () => {
    const good = instrument(
      "console.log([2, 3], 'a'); // [2, 3] a\nconsole.log({ b: [1, 2, 3] }); // { b: [1, ...] }\nconsole.log(0.1 + 0.2); // 0.3",
    );
    const bad = instrument('console.log(1 + 1); // 3');
    expect(good.checks).toBe(3);
    const runIt = (code: string) => {
      const file = join(root, 'test-output', `instrument-${Math.random().toString(36).slice(2)}.mjs`);
      mkdirSync(join(root, 'test-output'), { recursive: true });
      writeFileSync(file, code);
      try {
        return spawnSync(process.execPath, [file], { encoding: 'utf8' });
      } finally {
        rmSync(file, { force: true });
      }
    };
    expect(runIt(good.code).status).toBe(0);
    const r = runIt(bad.code);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('line 1 printed:\n2\nbut its comment says:\n3');
    // Most examples print something and say what: at least half the examples are checked.
    const checked = all.filter((ex) => instrument(ex.code).checks > 0).length;
    expect(checked).toBeGreaterThan(all.length / 2);
  });

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
      const js = transformSync(instrument(ex.code).code, { loader: 'ts', format: 'esm', target: 'es2022' }).code;
      // Written inside the package so that its own name and its dependencies resolve.
      const file = join(ex.pkgDir, `.example-${ex.line}-${Math.random().toString(36).slice(2)}.mjs`);
      writeFileSync(file, js);
      try {
        const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120_000 });
        expect(
          r.status,
          `${ex.file}:${ex.line}\n${ex.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`,
        ).toBe(0);
      } finally {
        rmSync(file, { force: true });
      }
    });
  }
});
