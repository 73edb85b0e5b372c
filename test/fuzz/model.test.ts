// Fuzzing model folders: random mutations of a real model.json (types, nulls, shapes, offsets, names,
// file names) and of its weights and optimizer files. In this process for volume (every outcome is a
// one-line NeuriteError or a model with the original weights; nothing leaks, nothing outside the folder
// is opened), and through `neurite-mnist predict` as real processes under a memory cap and a timeout.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveTensors, NeuriteError, setSeed, tensor4d, useBackend } from '@neurite/core';
import { Dense, Dropout, Flatten } from '@neurite/layers';
import { loadModel, sequential } from '@neurite/model';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draw, png, testDigit } from '../../apps/mnist-cli/test/digits.js';
import { cli, runProcess, scale, seed, violation } from './harness.js';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'neurite-fuzz-model-')));
const canary = join(work, 'canary.bin');
const original = join(work, 'original');
const outside = [canary, '/etc/passwd', '/etc/shadow'];

// Values a hostile file puts where a number, a string, a list or an object belongs.
const hostile = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, -1, 1, 3, 4, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 60, 1e300, -1e300),
  fc.integer({ min: -(2 ** 33), max: 2 ** 33 }),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '',
    '../canary.bin',
    canary,
    '/etc/passwd',
    '/dev/zero',
    '/dev/stdin',
    'link.bin',
    'fifo.bin',
    'folder.bin',
    '__proto__',
    'constructor',
    'toString',
    'neurite>Dense',
    'neurite>Conv2D',
    '\u001b]0;pwned\u0007',
    'fnv1a32:00000000',
    'float32',
    'little',
    'neurite-model',
  ),
  fc.array(fc.integer({ min: -2, max: 2 ** 31 }), { maxLength: 5 }),
  fc.constantFrom({}, [], [[]], { className: 'neurite>Dense', config: { units: 2 ** 31 } }, { __proto__: 1 }),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function paths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...paths(v, [...at, i]));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

type Mutation = { path: number; kind: 'set'; value: unknown } | { path: number; kind: 'delete' | 'duplicate' | 'swap' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ path: fc.nat(), kind: fc.constant('set' as const), value: hostile }) },
  {
    weight: 1,
    arbitrary: fc.record({
      path: fc.nat(),
      kind: fc.constantFrom('delete' as const, 'duplicate' as const, 'swap' as const),
    }),
  },
);

function mutate(json: Json, ms: Mutation[]): unknown {
  const copy = structuredClone(json);
  for (const m of ms) {
    const all = paths(copy);
    const at = all[m.path % all.length];
    if (at.length === 0) {
      if (m.kind === 'set') return m.value;
      continue;
    }
    let parent = copy as Record<string | number, Json>;
    for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
    const key = at[at.length - 1];
    if (m.kind === 'set') parent[key] = m.value as Json;
    else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (Array.isArray(parent)) {
      const i = key as number;
      if (m.kind === 'duplicate') parent.splice(i, 0, structuredClone(parent[i]));
      else if (i + 1 < parent.length) [parent[i], parent[i + 1]] = [parent[i + 1], parent[i]];
    }
  }
  return copy;
}

let good: Json;
let goodWeights: string;
const require = createRequire(import.meta.url);
const fsp = require('node:fs/promises');
const realOpen = fsp.open;
const reached: string[] = [];

async function weightsOf(model: { getWeightValues(): Promise<Float32Array[]> }) {
  return JSON.stringify((await model.getWeightValues()).map((w) => Array.from(w)));
}

function freshFolder(name: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const j = good as { weights: { file: string }; optimizer: { file: string } };
  for (const f of [j.weights.file, j.optimizer.file]) copyFileSync(join(original, f), join(dir, f));
  symlinkSync(canary, join(dir, 'link.bin'));
  mkdirSync(join(dir, 'folder.bin'));
  spawnSync('mkfifo', [join(dir, 'fifo.bin')]);
  return dir;
}

const counts = { inProcess: 0, binaries: 0, processes: 0, loaded: 0 };

describe('fuzz: model folders', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    writeFileSync(canary, new Uint8Array(4096));
    setSeed(1);
    const model = sequential(
      [
        new Flatten({ inputShape: [28, 28, 1], name: 'flat' }),
        new Dense({ units: 8, activation: 'relu', name: 'hidden' }),
        new Dropout({ rate: 0.2, name: 'drop' }),
        new Dense({ units: 10, activation: 'softmax', name: 'out' }),
      ],
      { name: 'fuzzed' },
    );
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = tensor4d(new Float32Array(4 * 784).fill(0.5), [4, 28, 28, 1]);
    const y = tensor4d(
      new Float32Array(40).map((_, i) => (i % 11 === 0 ? 1 : 0)),
      [4, 1, 1, 10],
    ).reshape([4, 10]);
    await model.fit(x, y, { epochs: 1, batchSize: 2 });
    await model.save(original, { includeOptimizer: true });
    good = JSON.parse(readFileSync(join(original, 'model.json'), 'utf8'));
    goodWeights = await weightsOf(model);
    fsp.open = async (path: string, ...rest: unknown[]) => {
      const handle = await realOpen(path, ...rest);
      reached.push(realpathSync(String(path)));
      return handle;
    };
    syncBuiltinESMExports();
  });
  afterAll(() => {
    fsp.open = realOpen;
    syncBuiltinESMExports();
    console.log(
      `fuzz model folders: ${counts.inProcess} model.json mutations and ${counts.binaries} binary mutations in process ` +
        `(${counts.loaded} loaded, with the original weights), ${counts.processes} as neurite-mnist processes`,
    );
  });

  it('mutated model.json: a one-line NeuriteError or the original weights, no leak, nothing outside opened', async () => {
    const dir = freshFolder('in-process');
    const before = liveTensors().tensors;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        counts.inProcess++;
        writeFileSync(join(dir, 'model.json'), JSON.stringify(mutate(good, ms)) ?? 'null');
        const from = reached.length;
        try {
          const model = await loadModel(dir);
          counts.loaded++;
          expect(await weightsOf(model)).toBe(goodWeights);
          model.dispose();
        } catch (e) {
          expect(e, (e as Error).stack).toBeInstanceOf(NeuriteError);
          const message = (e as Error).message;
          expect(message.includes('\n')).toBe(false);
          expect(message.startsWith(`Cannot load the model at ${dir}: `), message).toBe(true);
        }
        for (const p of reached.slice(from)) expect(p.startsWith(`${dir}/`), p).toBe(true);
        expect(liveTensors().tensors).toBe(before);
      }),
      { seed, numRuns: Math.round(600 * scale) },
    );
  });

  it('mutated weights and optimizer files: refused by length or checksum, never loaded wrong', async () => {
    const dir = freshFolder('binaries');
    const j = good as { weights: { file: string }; optimizer: { file: string } };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(good));
    const files = [j.weights.file, j.optimizer.file];
    const bytes = files.map((f) => readFileSync(join(original, f)));
    await fc.assert(
      fc.asyncProperty(
        fc.nat(1),
        fc.oneof(
          fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
          fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
          fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
          fc.record({ kind: fc.constant('zero' as const) }),
        ),
        async (which, m) => {
          counts.binaries++;
          const b = Buffer.from(bytes[which]);
          let changed: Buffer;
          if (m.kind === 'truncate') changed = b.subarray(0, m.at % b.length);
          else if (m.kind === 'append') changed = Buffer.concat([b, m.extra]);
          else if (m.kind === 'flip') {
            changed = Buffer.from(b);
            changed[m.at % b.length] ^= 1 << m.bit;
          } else changed = Buffer.alloc(b.length);
          writeFileSync(join(dir, files[which]), changed);
          try {
            const model = await loadModel(dir);
            // Only an unchanged weights file may load (a zeroed optimizer file of zeros is still refused).
            expect(changed.equals(b)).toBe(true);
            model.dispose();
          } catch (e) {
            expect(e).toBeInstanceOf(NeuriteError);
            expect((e as Error).message).toMatch(
              /has \d+ bytes; model.json expects \d+|does not match model.json \(checksum/,
            );
          } finally {
            writeFileSync(join(dir, files[which]), b);
          }
        },
      ),
      { seed, numRuns: Math.round(150 * scale) },
    );
  });

  it('through neurite-mnist predict, as processes: exit 0, 1 or 2, one line, no hang, under 600 MB', async () => {
    const image = join(work, 'digit.png');
    writeFileSync(image, png(draw(testDigit(0).pixels)));
    const cases = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 3 }), {
      seed,
      numRuns: Math.round(30 * scale),
    });
    const problems: string[] = [];
    for (const [i, ms] of cases.entries()) {
      const dir = freshFolder(`process-${i}`);
      const json = mutate(good, ms);
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json) ?? 'null');
      const o = await runProcess([cli, 'predict', '--model', dir, image], {
        env: { NEURITE_BACKEND: 'cpu', NEURITE_HOME: join(work, 'home') },
      });
      counts.processes++;
      const v = violation(o, outside, true);
      if (v) problems.push(`${v}: ${JSON.stringify(ms).slice(0, 200)} -> ${o.stderr.slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
  });
});
