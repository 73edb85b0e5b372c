import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classNameFor, ScaffoldError, scaffold, VERSIONS } from './scaffold.js';

const work = mkdtempSync(join(tmpdir(), 'neurite-scaffold-'));

describe('scaffold', () => {
  it('derives the class name from the package name', () => {
    expect(classNameFor('layer-swish')).toBe('Swish');
    expect(classNameFor('@me/layer-gaussian-noise')).toBe('GaussianNoise');
    expect(classNameFor('neurite-layer-prelu')).toBe('Prelu');
    expect(classNameFor('my-cool-layer')).toBe('MyCoolLayer');
    expect(classNameFor('3d-conv')).toBe('Layer3dConv');
  });

  it('writes every template file, with no placeholder left and the peer ranges filled in', () => {
    const r = scaffold({ dir: join(work, 'layer-swish'), name: '@me/layer-swish' });
    expect(r.className).toBe('Swish');
    expect(r.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'src/swish.ts',
        'src/swish.test.ts',
        '.gitignore',
        '.changeset/config.json',
      ]),
    );
    for (const f of r.files) expect(readFileSync(join(r.dir, f), 'utf8'), f).not.toMatch(/\{\{\w+\}\}/);
    const pkg = JSON.parse(readFileSync(join(r.dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@me/layer-swish');
    expect(pkg.peerDependencies['@neurite/layers']).toBe(VERSIONS.neurite);
    expect(readFileSync(join(r.dir, 'src', 'index.ts'), 'utf8')).toContain("export const PACKAGE = '@me/layer-swish';");
  });

  it('fills an existing empty folder in place (create . in a new folder), keeping the folder itself', () => {
    const here = join(work, 'layer-here');
    mkdirSync(here);
    const before = statSync(here).ino;
    const r = scaffold({ dir: here });
    expect(r.className).toBe('Here');
    expect(statSync(here).ino).toBe(before);
    expect(readdirSync(here)).toContain('package.json');
  });

  it('refuses bad names and a folder that is not empty, and leaves nothing behind', () => {
    const cases: [Parameters<typeof scaffold>[0], string][] = [
      [{ dir: '' }, 'Say where to create the plugin'],
      [{ dir: join(work, 'Bad Name') }, "'Bad Name' is not a valid npm package name"],
      [{ dir: join(work, 'ok'), name: '../escape' }, "'../escape' is not a valid npm package name"],
      [{ dir: join(work, 'ok'), className: 'lower' }, "'lower' cannot be the layer's class name"],
      [{ dir: join(work, 'ok'), className: 'Layer' }, "'Layer' cannot be the layer's class name: the generated code"],
      [{ dir: join(work, 'ok'), className: 'Tensor' }, "'Tensor' cannot be the layer's class name: the generated code"],
      [{ dir: join(work, 'ok'), className: 'Promise' }, 'Pass another, e.g. --class MyPromise.'],
      [{ dir: join(work, 'ok'), className: 'Index' }, "'Index' cannot be the layer's class name"],
      [{ dir: join(work, 'layers') }, "'Layers' cannot be the layer's class name"],
      [{ dir: join(work, 'http') }, "'http' is not a valid npm package name"],
      [{ dir: join(work, 'a~b') }, "'a~b' is not a valid npm package name"],
    ];
    for (const [options, message] of cases) {
      expect(() => scaffold(options)).toThrow(ScaffoldError);
      expect(() => scaffold(options)).toThrow(message);
    }
    expect(existsSync(join(work, 'ok'))).toBe(false);
    const full = join(work, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'mine.txt'), 'keep me');
    expect(() => scaffold({ dir: full })).toThrow('already exists and is not an empty folder');
    expect(readdirSync(full)).toEqual(['mine.txt']);
    expect(readdirSync(work).filter((n) => n.includes('.creating-'))).toEqual([]);
  });
});
