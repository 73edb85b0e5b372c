// `pnpm bench train --against <git ref>`: is this checkout's training as fast as <ref>'s? The reference
// CNN's step (bench/train_step.mjs) on cpu and wasm, with 1 and 2 threads, in this checkout and in a
// build of <ref>, each measurement a fresh process, taken in turns (A B, then B A, ...) so that a busy
// moment of a shared machine hits both sides alike. Reports each pair's ratio and their median.
// <ref> is checked out with `git worktree` into the system's temp folder, installed from its lockfile
// and built once (kept there for the next run; `git worktree remove` deletes it).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();

/** A built checkout of `ref`, made once: its path. */
function buildRef(ref) {
  const sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  const dir = join(tmpdir(), `neurite-against-${sha.slice(0, 12)}`);
  const built = join(dir, '.neurite-against-built');
  if (existsSync(built)) return { sha, dir };
  if (!existsSync(dir)) git('worktree', 'add', '--detach', dir, sha);
  console.log(`--against: installing and building ${ref} (${sha.slice(0, 12)}) in ${dir} ...`);
  for (const args of [
    ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'],
    ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'],
  ]) {
    const r = spawnSync('pnpm', args, { cwd: dir, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`--against: 'pnpm ${args.join(' ')}' failed in ${dir} (exit ${r.status}).`);
  }
  writeFileSync(built, `${sha}\n`);
  return { sha, dir };
}

/** One measurement in a fresh process, in checkout `dir` (its own packages). */
function stepIn(dir, script, { backend, workers, steps }) {
  const args = [script, '--backend', backend, '--workers', String(workers), '--steps', String(steps)];
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`--against: node ${args.join(' ')} failed in ${dir} (exit ${r.status}):\n${r.stderr}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function againstRows({ ref, backends, pairs = 3 }) {
  const { sha, dir } = buildRef(ref);
  // The same probe file in both checkouts, so only the packages differ.
  const probe = join(dir, 'bench', '.against-train-step.mjs');
  copyFileSync(resolve('bench/train_step.mjs'), probe);
  const rows = [];
  for (const backend of backends.filter((b) => b === 'cpu' || b === 'wasm')) {
    const steps = backend === 'wasm' ? 20 : 5;
    for (const workers of [1, 2]) {
      const ours = [];
      const theirs = [];
      for (let p = 0; p < pairs; p++) {
        const config = { backend, workers, steps };
        const a = () => ours.push(stepIn(resolve('.'), 'bench/train_step.mjs', config).samplesPerSecond);
        const b = () => theirs.push(stepIn(dir, probe, config).samplesPerSecond);
        if (p % 2 === 0) {
          a();
          b();
        } else {
          b();
          a();
        }
      }
      const ratios = ours.map((v, i) => v / theirs[i]);
      rows.push({
        kind: 'against',
        backend,
        impl: `neurite, ${workers === 1 ? '1 thread' : `${workers} workers`}`,
        batch: 128,
        ref,
        sha,
        samplesPerSecond: median(ours),
        refSamplesPerSecond: median(theirs),
        ratios,
        ratio: median(ratios),
      });
    }
  }
  return rows;
}
