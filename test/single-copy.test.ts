// Two copies of a stateful package in one process: npm puts a second @neurite/layers under a plugin
// whose dependency range drifted from the app's. The second copy must refuse to load with a message
// that names both folders and how to dedupe, instead of training fine and failing later at save.
// The layout below is npm's: the app's copies in node_modules, the plugin's own under its folder.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'neurite-two-copies-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function install(name: string, into: string): void {
  const from = join(root, 'packages', name);
  const to = join(into, 'node_modules', '@neurite', name);
  mkdirSync(to, { recursive: true });
  cpSync(join(from, 'package.json'), join(to, 'package.json'));
  cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true });
}

function plugin(app: string, name: string, reexports: string, own: string[]): void {
  const dir = join(app, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js' }),
  );
  writeFileSync(join(dir, 'index.js'), `export * from '${reexports}';\n`);
  for (const pkg of own) install(pkg, dir);
}

function run(app: string, code: string) {
  writeFileSync(join(app, 'main.mjs'), code);
  const r = spawnSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('one copy of each stateful package per process', () => {
  it('a second @neurite/layers under a plugin fails at import, naming both and how to dedupe', () => {
    const app = join(work, 'layers-twice');
    install('core', app);
    install('layers', app);
    plugin(app, 'drifted-plugin', '@neurite/layers', ['layers']);
    const r = run(app, "import '@neurite/layers';\nawait import('drifted-plugin');\nconsole.log('loaded both');\n");
    expect(r.status, r.out).not.toBe(0);
    expect(r.out).not.toContain('loaded both');
    expect(r.out).toContain('Two copies of @neurite/layers are loaded in this process');
    expect(r.out).toContain(join(app, 'node_modules', '@neurite', 'layers'));
    expect(r.out).toContain(join(app, 'node_modules', 'drifted-plugin', 'node_modules', '@neurite', 'layers'));
    expect(r.out).toContain('peerDependencies');
    expect(r.out).toContain('npm ls @neurite/layers');
  });

  it('tells the copies apart when the app itself lives under a folder named src', () => {
    const app = join(work, 'src', 'my-app');
    install('core', app);
    install('layers', app);
    plugin(app, 'drifted-plugin', '@neurite/layers', ['layers']);
    const r = run(app, "import '@neurite/layers';\nawait import('drifted-plugin');\nconsole.log('loaded both');\n");
    expect(r.status, r.out).not.toBe(0);
    expect(r.out).toContain(`${join(app, 'node_modules', '@neurite', 'layers')} and `);
  });

  it('a second @neurite/core fails the same way', () => {
    const app = join(work, 'core-twice');
    install('core', app);
    plugin(app, 'core-plugin', '@neurite/core', ['core']);
    const r = run(app, "import '@neurite/core';\nawait import('core-plugin');\nconsole.log('loaded both');\n");
    expect(r.status, r.out).not.toBe(0);
    expect(r.out).toContain('Two copies of @neurite/core are loaded in this process');
    expect(r.out).toContain('tensor engine and backend registry');
    expect(r.out).toContain('npm ls @neurite/core');
  });

  it('one copy reached through a plugin and the app shares one registry', () => {
    const app = join(work, 'deduped');
    install('core', app);
    install('layers', app);
    plugin(app, 'good-plugin', '@neurite/layers', []);
    const r = run(
      app,
      [
        "import { Layer, registerLayers } from 'good-plugin';",
        "import { registeredLayers } from '@neurite/layers';",
        "class Twice extends Layer { static className = 'Twice'; call(x) { return x.mul(2); } }",
        "registerLayers([Twice], { package: 'good-plugin' });",
        "console.log(registeredLayers().includes('good-plugin>Twice') ? 'shared registry' : 'split registry');",
      ].join('\n'),
    );
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('shared registry');
  });
});
