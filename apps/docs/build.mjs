// Builds the docs site: VitePress renders docs/ (guides and course) into apps/docs/dist, then typedoc
// writes the API reference of every published package into dist/api. `pnpm run docs` runs this.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = (name) => join(here, 'node_modules', '.bin', name);
// The course's pictures first: VitePress copies docs/public/ into the site.
execFileSync(process.execPath, [join(here, 'pictures.mjs')], { cwd: here, stdio: 'inherit' });
execFileSync(bin('vitepress'), ['build'], { cwd: here, stdio: 'inherit' });
execFileSync(
  bin('typedoc'),
  ['--options', join(root, 'typedoc.json'), '--out', join(here, 'dist', 'api'), '--logLevel', 'Error'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
// The live demo: the real packages bundled for the browser, the wasm binaries, and the small model
// that demo/make-model.sh trains with the CLI.
const demo = join(here, 'dist', 'demo');
mkdirSync(join(demo, 'wasm'), { recursive: true });
// app.js is the demo page; widgets.js holds the custom elements that pages such as chapter 4 embed.
await build({
  entryPoints: [join(here, 'demo', 'app.ts'), join(here, 'demo', 'widgets.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outdir: demo,
  // Node-only loaders (files, zlib) are dynamic imports on code paths a page never takes.
  external: ['node:*'],
  logLevel: 'error',
});
copyFileSync(join(here, 'demo', 'index.html'), join(demo, 'index.html'));
cpSync(join(here, 'demo', 'model'), join(demo, 'model'), { recursive: true });
const vendor = join(root, 'packages', 'core', 'dist', 'vendor');
for (const f of readdirSync(vendor).filter((f) => f.endsWith('.wasm')))
  copyFileSync(join(vendor, f), join(demo, 'wasm', f));
console.log(`docs site: ${join(here, 'dist')} (serve it with: pnpm run docs:serve)`);
