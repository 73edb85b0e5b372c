// Fuzzing the CLI's flags: random commands and flag lists, each with at least one bad value, unknown
// flag or missing value among otherwise valid ones, in random order. Every case must end before any
// data is read (no "data:" line, in seconds) with exit 2 (or 1), one line naming the problem.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, runProcess, scale, seed, violation } from './harness.js';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'neurite-fuzz-flags-')));
const file = join(work, 'a-file.txt');
writeFileSync(file, 'not a folder');
const emptyDir = join(work, 'empty');
mkdirSync(emptyDir);
let cases = 0;
afterAll(() => console.log(`fuzz CLI flags: ${cases} command lines, each a process`));

const ints = ['', '0', '-1', '1.5', 'abc', '1e3', '0x10', ' 7', 'NaN', '99999999999999999999', '--epochs'];
const bad: Record<string, string[]> = {
  '--epochs': ints,
  '--batch-size': ints,
  '--limit': ints,
  '--seed': ['', '-1', '1.5', 'abc', '0x10', 'NaN', '1e3'],
  '--lr': ['', '0', '10', '-1', 'NaN', 'Infinity', 'abc', '0x1', '1,5'],
  '--validation-split': ['', '1', '-0.1', 'abc', '2', 'NaN'],
  '--optimizer': ['', 'constructor', '__proto__', 'ADAMX', 'toString', '\u001b[2J'],
  '--workers': ['', '0', '-2', 'two', '1.5', 'Auto '],
  '--backend': ['', 'webgl', 'constructor', 'cuda', '\u0007'],
  '--out': ['', file, '/proc/neurite-fuzz/x', '/dev/null'],
  '--model': ['', 'rnn', join(work, 'missing.json'), emptyDir, '/dev/zero.json', file],
  '--resume': ['', join(work, 'nothing'), file, emptyDir],
};
const good: Record<string, string[]> = {
  '--epochs': ['1', '3'],
  '--batch-size': ['32', '64'],
  '--limit': ['500'],
  '--seed': ['0', '7'],
  '--lr': ['0.01'],
  '--validation-split': ['0.1'],
  '--optimizer': ['sgd', 'Adam'],
  '--workers': ['1', 'auto'],
  '--backend': ['cpu'],
};

const flag = (table: Record<string, string[]>) =>
  fc.constantFrom(...Object.keys(table)).chain((f) => fc.constantFrom(...table[f]).map((value) => [f, value]));

const trainLine = fc
  .record({
    valid: fc.array(flag(good), { maxLength: 4 }),
    broken: fc.oneof(
      { weight: 5, arbitrary: flag(bad) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(['--epoch', '2'], ['--augmentt'], ['-x'], ['--out'], ['--lr'], ['extra']),
      },
    ),
    at: fc.nat(),
  })
  .map(({ valid, broken, at }) => {
    // The last of repeated flags wins, so a valid repeat after the broken one would make a valid run.
    const parts: string[][] = valid.filter(([f]) => f !== broken[0]);
    parts.splice(at % (parts.length + 1), 0, [...broken]);
    return ['train', ...parts.flat()];
  });

const otherLine = fc.oneof(
  fc.constantFrom(
    ['eval', '--model', ''],
    ['eval', '--model', join(work, 'none')],
    ['eval', '--model', file],
    ['eval', '--limit', '0', '--model', emptyDir],
    ['predict', '--model', emptyDir],
    ['predict', '--max-megapixels', '0', file],
    ['predict', '--max-megapixels', 'abc', file],
    ['predict', '/dev/zero'],
    ['predict', emptyDir],
    ['visualize', '--index', '-1', '--out', work],
    ['visualize', '--index', '10000', '--out', work],
    ['visualize', '--index', '1'],
    ['visualize', '--image', '/dev/zero', '--out', work],
    ['visualize', '--index', '1', '--out', work, '--colormap', 'constructor'],
    ['info', '--backend', 'webgl'],
    ['info', '--nope'],
    ['constructor'],
    ['__proto__'],
    ['toString'],
    ['', ''],
  ),
  fc
    .array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 4 })
    .map((a) => ['train', ...a.map((s) => `--${s}x`)]),
);

describe('fuzz: CLI flags', () => {
  it('a bad flag anywhere ends the command before any data is read, with one line', async () => {
    const lines = fc.sample(fc.oneof({ weight: 3, arbitrary: trainLine }, { weight: 1, arbitrary: otherLine }), {
      seed,
      numRuns: Math.round(50 * scale),
    });
    const problems: string[] = [];
    for (const args of lines) {
      const o = await runProcess([cli, ...args], {
        env: { NEURITE_BACKEND: 'cpu', NEURITE_HOME: join(work, 'home') },
        timeoutMs: 20_000,
      });
      cases++;
      const v = violation(o, []) ?? (o.stdout.includes('data:') ? 'read data before failing' : undefined);
      if (v) problems.push(`${v}: ${JSON.stringify(args)} -> ${o.stderr.slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
  });
});
