// Builds the docs site: VitePress renders docs/ (guides and course) into apps/docs/dist, then typedoc
// writes the API reference of every published package into dist/api. `pnpm run docs` runs this.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = (name) => join(here, 'node_modules', '.bin', name);
execFileSync(bin('vitepress'), ['build'], { cwd: here, stdio: 'inherit' });
execFileSync(
  bin('typedoc'),
  ['--options', join(root, 'typedoc.json'), '--out', join(here, 'dist', 'api'), '--logLevel', 'Error'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
console.log(`docs site: ${join(here, 'dist')} (serve it with: pnpm run docs:serve)`);
