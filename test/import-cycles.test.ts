// No module of a package imports, directly or through others, a module that imports it back: each
// package's src/ (tests left out) is read for its relative imports and re-exports, type-only ones
// included, and searched for a cycle. A cycle is reported as the chain of files that closes it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name) ? [path] : [];
  });
}

/** Each file's relative imports (`import`, `import type`, `export ... from`, `import()`), as file paths. */
function graph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const to = new Set<string>();
    for (const m of text.matchAll(pattern)) {
      const target = resolve(dirname(file), m[1]).replace(/\.js$/, '.ts');
      if (known.has(target)) to.add(target);
    }
    edges.set(file, [...to]);
  }
  return edges;
}

/** The first cycle found, as a list of files ending where it starts; undefined when there is none. */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, 'open');
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of edges.keys()) {
    if (state.has(file)) continue;
    const found = visit(file);
    if (found) return found;
  }
  return undefined;
}

const packages = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group))
    .map((name) => join(root, group, name, 'src'))
    .filter((src) => statSync(src, { throwIfNoEntry: false })?.isDirectory()),
);

describe('import cycles', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const edges = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(findCycle(edges)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(findCycle(new Map([['a.ts', ['b.ts']]]))).toBeUndefined();
  });

  it.each(packages.map((src) => [relative(root, dirname(src)), src]))('%s has none', (_name, src) => {
    const cycle = findCycle(graph(sources(src)));
    expect(cycle?.map((f) => relative(root, f)).join(' -> ')).toBeUndefined();
  });
});
