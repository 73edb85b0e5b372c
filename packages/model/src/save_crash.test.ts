// A save killed at any instant leaves a folder that loads as the previous save or as the new one. A child
// process saves model A, then saves model B and SIGKILLs itself at one step of that save (SaveOptions.onStep);
// the test then loads the folder and compares every weight and optimizer slot with A's and B's.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '@neurite/core';
import { loadModel, type Model } from '@neurite/model';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'neurite-crash-'));

// Builds and trains one step of the same small model from a seed: the same numbers in every process.
const make = `
import { setSeed, tensor2d, useBackend } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { sequential } from '@neurite/model';
export async function make(seed) {
  await useBackend('cpu');
  setSeed(seed);
  const m = sequential([new Dense({ units: 5, activation: 'tanh', inputShape: [3], name: 'h' }), new Dense({ units: 2, name: 'o' })], { name: 'm' + seed });
  m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  await m.fit(tensor2d([[1, 2, 3], [0, -1, 2]]), tensor2d([[1, 0], [0, 1]]), { epochs: 1, seed });
  return m;
}`;

function child(body: string) {
  const code = `${make}\n${body}`;
  return ['--input-type=module', '-e', code] as const;
}

async function fingerprint(model: Model): Promise<string> {
  const weights = (await model.getWeightValues()).map((w) => Array.from(w));
  const state = model.optimizer ? await model.optimizer.getState() : undefined;
  const slots = state ? Object.values(state.slots).map((s) => Object.values(s).map((v) => Array.from(v.values))) : [];
  return JSON.stringify({ name: model.name, weights, iterations: state?.iterations, slots });
}

let a: string;
let b: string;

describe('a save killed at every step', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    // A and B as the child makes them, saved by an uninterrupted process, then loaded here.
    for (const seed of [1, 2]) {
      const dir = join(root, `ref-${seed}`);
      const r = spawnSync(
        process.execPath,
        child(`const m = await make(${seed}); await m.save(${JSON.stringify(dir)}, { includeOptimizer: true });`),
        { cwd: pkgDir, encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const fp = await fingerprint(await loadModel(dir));
      if (seed === 1) a = fp;
      else b = fp;
    }
    expect(a).not.toBe(b);
  });

  const steps = [
    'weights-written',
    'optimizer-written',
    'binaries-synced',
    'model-json-written',
    'switched',
    'switch-synced',
    'cleaned',
  ];
  for (const [i, step] of steps.entries()) {
    it(`after '${step}' the folder loads as ${i < 4 ? 'the previous save' : 'the new save'}`, async () => {
      const dir = join(root, `kill-${step}`);
      const r = spawnSync(
        process.execPath,
        child(`
          const dir = ${JSON.stringify(dir)};
          await (await make(1)).save(dir, { includeOptimizer: true });
          const steps = [];
          await (await make(2)).save(dir, { includeOptimizer: true, onStep: (s) => {
            steps.push(s);
            if (s === ${JSON.stringify(step)}) { process.stdout.write(steps.join(',')); process.kill(process.pid, 'SIGKILL'); }
          } });`),
        { cwd: pkgDir, encoding: 'utf8' },
      );
      expect(r.signal, r.stderr).toBe('SIGKILL');
      expect(r.stdout).toBe(steps.slice(0, i + 1).join(','));
      const loaded = await loadModel(dir);
      expect(await fingerprint(loaded)).toBe(i < 4 ? a : b);
      // Whatever the crash left behind, the next save cleans up its own files and loads.
      const next = await loadModel(dir);
      await next.save(dir, { includeOptimizer: true });
      expect(await fingerprint(await loadModel(dir))).toBe(i < 4 ? a : b);
      // Only the save's own kinds of files are there (a crash's leftovers go once they are a minute old).
      for (const f of readdirSync(dir))
        expect(f).toMatch(/^model\.json(\.tmp-[0-9a-f]{12})?$|^(weights|optimizer)-[0-9a-f]{12}\.bin$/);
    });
  }

  it('survives SIGKILLs at random instants of repeated saves', async () => {
    const dir = join(root, 'random');
    for (let attempt = 0; attempt < 8; attempt++) {
      const proc: ChildProcess = spawn(
        process.execPath,
        child(`
          const dir = ${JSON.stringify(dir)};
          const models = [await make(1), await make(2)];
          await models[0].save(dir, { includeOptimizer: true });
          process.stdout.write('ready\\n');
          for (let i = 1; ; i++) await models[i % 2].save(dir, { includeOptimizer: true });`),
        { cwd: pkgDir },
      );
      await new Promise<void>((resolve) => proc.stdout?.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 60));
      proc.kill('SIGKILL');
      await new Promise((resolve) => proc.on('exit', resolve));
      expect([a, b]).toContain(await fingerprint(await loadModel(dir)));
    }
  });
});
