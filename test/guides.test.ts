// Every ```ts block in the guides (docs/guide) and the course chapters (docs/course) runs, as a learner
// would paste it: compiled from TypeScript with esbuild and executed in a fresh Node process on wasm.
// A block whose first line is `// not run` is a deliberately partial snippet and is skipped.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const folders = ['docs/guide', 'docs/course'];
const NOT_RUN = '// not run';

interface Block {
  file: string;
  line: number;
  code: string;
  runnable: boolean;
}

function markdownFiles(): string[] {
  return folders.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => `${dir}/${name}`),
  );
}

function blocks(file: string): Block[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: Block[] = [];
  for (const m of text.matchAll(/^```ts[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)) {
    const code = m[1];
    const line = text.slice(0, m.index).split('\n').length;
    found.push({ file, line, code, runnable: code.split('\n')[0].trim() !== NOT_RUN });
  }
  return found;
}

const files = markdownFiles();
const all = files.flatMap(blocks);

describe('guide and course code blocks', () => {
  it('finds the guides and the course chapters', () => {
    expect(files.filter((f) => f.startsWith('docs/guide/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('docs/course/')).length).toBeGreaterThanOrEqual(6);
  });

  it('gives every course chapter at least one runnable block', () => {
    for (const file of files.filter((f) => f.startsWith('docs/course/'))) {
      expect(
        all.filter((b) => b.file === file && b.runnable).length,
        `${file} has no runnable ts block`,
      ).toBeGreaterThan(0);
    }
  });

  for (const block of all) {
    it.runIf(block.runnable)(
      `${block.file}:${block.line} runs`,
      () => {
        const js = transformSync(block.code, { loader: 'ts', format: 'esm', target: 'es2022' }).code;
        // Written at the repository root so that @neurite/* resolve from the root node_modules.
        const file = join(root, `.guide-${Math.random().toString(36).slice(2)}.mjs`);
        writeFileSync(file, js);
        try {
          const r = spawnSync(process.execPath, [file], {
            cwd: root,
            encoding: 'utf8',
            timeout: 120_000,
            env: { ...process.env, NEURITE_BACKEND: 'wasm' },
          });
          const where = `${block.file}:${block.line}`;
          expect(r.status, `${where}\n${block.code}\n--- stderr ---\n${r.stderr}${r.error ? `\n${r.error}` : ''}`).toBe(
            0,
          );
        } finally {
          rmSync(file, { force: true });
        }
      },
      150_000,
    );
  }
});
