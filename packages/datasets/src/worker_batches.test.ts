import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { liveTensors } from '@neurite/core';
import { describeBackends } from '@neurite/core/testing';
import { type Batch, BatchedDataset, workerBatches } from '@neurite/datasets';
import { Dense, Flatten } from '@neurite/layers';
import { sequential } from '@neurite/model';
import { describe, expect, it } from 'vitest';
import pipeline from '../test/fixtures/pipeline.mjs';

const fixture = (name: string) => new URL(`../test/fixtures/${name}`, import.meta.url);
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

/** 37 samples of 3 values (i, i + 0.5, -i) and labels i % 5, in batches of 8. */
function data() {
  const x = Float32Array.from(
    { length: 37 * 3 },
    (_, k) => [Math.floor(k / 3), Math.floor(k / 3) + 0.5, -Math.floor(k / 3)][k % 3],
  );
  const y = Float32Array.from({ length: 37 }, (_, i) => i % 5);
  return { x, y, width: 3, batchSize: 8 };
}

async function read(source: AsyncIterable<Batch>): Promise<{ x: number[][]; y: number[][]; shapes: string[] }> {
  const out = { x: [] as number[][], y: [] as number[][], shapes: [] as string[] };
  for await (const { xs, ys } of source) {
    out.x.push(Array.from(await xs.data()));
    out.y.push(Array.from(await ys.data()));
    out.shapes.push(`${xs.shape} ${ys.shape}`);
    xs.dispose();
    ys.dispose();
  }
  return out;
}

await describeBackends('workerBatches', () => {
  it('gives, iteration by iteration, exactly the batches the same pipeline gives on this thread', async () => {
    const args = data();
    let epoch = 0;
    const source = workerBatches(fixture('pipeline.mjs'), { args, iteration: () => epoch, count: 5 });
    try {
      expect(source.count).toBe(5);
      for (epoch = 0; epoch < 3; epoch++) {
        const here = pipeline(args, epoch);
        expect(here).toBeInstanceOf(BatchedDataset);
        const there = await read(source);
        expect(there).toEqual(await read(here));
        expect(there.shapes).toEqual(['8,3 8', '8,3 8', '8,3 8', '8,3 8', '5,3 5']);
      }
      // Each epoch its own order and values (the iteration is the pipeline's argument).
      epoch = 0;
      const first = await read(source);
      epoch = 1;
      expect((await read(source)).x).not.toEqual(first.x);
    } finally {
      await source.close();
    }
  });

  it('makes at most `prefetch` batches ahead of the consumer, and a new iteration after a break starts afresh', async () => {
    const made = new Int32Array(new SharedArrayBuffer(4));
    const args = { ...data(), made };
    const source = workerBatches(fixture('pipeline.mjs'), { args, iteration: () => 0, prefetch: 2 });
    try {
      let taken = 0;
      for await (const { xs, ys } of source) {
        xs.dispose();
        ys.dispose();
        taken++;
        // Give the worker time to run ahead as far as it may.
        await new Promise((r) => setTimeout(r, 100));
        // The batches taken, the two made ahead, and the one it is filling.
        expect(Atomics.load(made, 0)).toBeLessThanOrEqual((taken + 2 + 1) * 8);
        if (taken === 2) break;
      }
      expect(await read(source)).toEqual(await read(pipeline(data(), 0)));
    } finally {
      await source.close();
    }
  });

  it('trains a model, with no tensor left behind', async () => {
    const args = data();
    const source = workerBatches(fixture('pipeline.mjs'), { args, iteration: () => 0, count: 5 });
    try {
      const model = sequential([new Flatten({ inputShape: [3] }), new Dense({ units: 5, activation: 'softmax' })]);
      model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      await model.fit(source, { epochs: 1 });
      const before = liveTensors().tensors;
      const h = await model.fit(source, { epochs: 3 });
      expect(h.epoch).toEqual([0, 1, 2]);
      expect(Number.isFinite(h.history.loss[2])).toBe(true);
      expect(liveTensors().tensors).toBe(before);
      model.dispose();
    } finally {
      await source.close();
    }
  });
});

describe('workerBatches: bad modules, failing pipelines, misuse', () => {
  const fails = async (source: AsyncIterable<Batch>, message: string | RegExp) => {
    await expect(read(source)).rejects.toThrow(message);
  };

  it('says what a pipeline that throws threw, and its module', async () => {
    const source = workerBatches(fixture('pipeline.mjs'), { args: { ...data(), failAt: 20 }, iteration: () => 0 });
    try {
      await fails(
        source,
        /workerBatches: the pipeline in file:.*pipeline\.mjs failed in its worker: sample 20 is broken/,
      );
      // The worker is still there: the next iteration fails the same way, it does not hang.
      await fails(source, 'sample 20 is broken');
    } finally {
      await source.close();
    }
  });

  it('refuses a module without a default function, one that returns no BatchedDataset, and one that is not there', async () => {
    const cases: [string, string][] = [
      ['no-default.mjs', 'its default export must be a function (args, iteration) => BatchedDataset; it is undefined.'],
      [
        'not-a-pipeline.mjs',
        "its default export must return a BatchedDataset (a Dataset's batch(n)); it returned object.",
      ],
      ['missing.mjs', 'Cannot find module'],
    ];
    for (const [file, message] of cases) {
      const source = workerBatches(fixture(file));
      try {
        await fails(source, message);
      } finally {
        await source.close();
      }
    }
  });

  it('says so when its worker thread dies, and stays failed', async () => {
    const source = workerBatches(fixture('exits.mjs'), { iteration: () => 0 });
    try {
      await fails(source, 'workerBatches: the worker stopped unexpectedly (exit code 3).');
      await fails(source, 'workerBatches: the worker stopped unexpectedly (exit code 3).');
    } finally {
      await source.close();
    }
  });

  it('checks its options and module before starting a thread', () => {
    expect(() => workerBatches(fixture('pipeline.mjs'), { prefetch: 0 })).toThrow(
      'workerBatches: prefetch must be an integer from 1 to 64 (batches made ahead). Received: 0.',
    );
    expect(() => workerBatches(fixture('pipeline.mjs'), { count: -1 })).toThrow(
      'workerBatches: count must be a whole number of batches. Received: -1.',
    );
    expect(() => workerBatches(fixture('pipeline.mjs'), { prefetch: '4' as unknown as number })).toThrow(
      'Received: "4".',
    );
    expect(() => workerBatches(fixture('pipeline.mjs'), { background: 'no' as unknown as boolean })).toThrow(
      'workerBatches: background must be true or false. Received: "no".',
    );
  });

  it('says where a module does not parse, and what a hand-made pipeline got wrong in a batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurite-wb-'));
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, '// line 1\nexport default function pipeline(args) {\n  return args..batch(4);\n}\n');
    try {
      const source = workerBatches(broken, { iteration: () => 0 });
      await fails(
        source,
        /failed in its worker: Unexpected token '\.'\. To see where, run: node --check \/.*broken\.mjs$/,
      );
      await source.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bad = workerBatches(fixture('bad-batches.mjs'));
    try {
      await fails(
        bad,
        'failed in its worker: batch 1 has n 5, x 3 values and y 5 values; expected n >= 1, and Float32Arrays of n x 3 and n x 1 values (xShape [3], yShape []).',
      );
    } finally {
      await bad.close();
    }
  });

  it('serves only the newest iteration: an older one still open ends with an error, never a hang', async () => {
    const source = workerBatches(fixture('pipeline.mjs'), { args: data(), iteration: () => 0, prefetch: 1 });
    try {
      const [older, newer] = await Promise.allSettled([read(source), read(source)]);
      expect(older.status).toBe('rejected');
      expect(String((older as PromiseRejectedResult).reason)).toContain(
        'workerBatches: a newer iteration of this source started before this one ended, and only the newest is served.',
      );
      expect(newer.status).toBe('fulfilled');
      // An iterator made, then superseded before it was read, fails at once; the source goes on serving.
      const early = source[Symbol.asyncIterator]();
      expect((await read(source)).x.length).toBe(5);
      await expect(early.next()).rejects.toThrow('a newer iteration of this source started');
      expect(await read(source)).toEqual(await read(pipeline(data(), 0)));
    } finally {
      await source.close();
    }
  });

  it('ends, at close(), an iteration in progress and one made before, and starts no thread after', async () => {
    const source = workerBatches(fixture('pipeline.mjs'), { args: data(), iteration: () => 0 });
    const running = source[Symbol.asyncIterator]();
    const first = await running.next();
    (first.value as Batch).xs.dispose();
    (first.value as Batch).ys.dispose();
    await source.close();
    await expect(running.next()).rejects.toThrow('workerBatches: the source was closed during an iteration.');
    const unstarted = workerBatches(fixture('pipeline.mjs'), { args: data(), iteration: () => 0 });
    const made = unstarted[Symbol.asyncIterator]();
    await unstarted.close();
    await expect(made.next()).rejects.toThrow('workerBatches: the source was closed during an iteration.');
  });

  it('refuses a relative module path or a web URL when made, and iterating once closed', async () => {
    expect(() => workerBatches('./pipeline.mjs')).toThrow(
      'workerBatches: module must be a file: or data: URL, or an absolute path. Received: "./pipeline.mjs" (a relative path).',
    );
    expect(() => workerBatches(new URL('https://example.com/pipeline.mjs'))).toThrow(
      '(a https: URL, which a worker thread cannot import)',
    );
    const source = workerBatches(fixture('pipeline.mjs'), { args: data(), iteration: () => 0 });
    await read(source);
    await source.close();
    expect(() => source[Symbol.asyncIterator]()).toThrow('workerBatches: the source is closed');
  });

  it('structured-clones its args: an array that cannot be cloned is an error, not a hang', async () => {
    const source = workerBatches(fixture('pipeline.mjs'), { args: { ...data(), f: () => 1 } });
    try {
      await expect(read(source)).rejects.toThrow(
        /workerBatches: args must be what a worker can receive \(numbers, strings, plain objects, arrays, typed arrays\): .*could not be cloned/,
      );
    } finally {
      await source.close();
    }
  });

  it('never keeps the process alive: a source left open, or an iterator abandoned mid-iteration, lets Node exit', () => {
    const script = `
      import { useBackend } from '@neurite/core';
      import { workerBatches } from '@neurite/datasets';
      await useBackend('cpu');
      const x = new Float32Array(3000), y = new Float32Array(1000);
      const source = workerBatches(${JSON.stringify(fixture('pipeline.mjs').href)}, { args: { x, y, width: 3, batchSize: 8 }, iteration: () => 0 });
      let n = 0;
      for await (const { xs, ys } of source) { xs.dispose(); ys.dispose(); if (++n === 3) break; }
      // An iterator abandoned after one batch, never returned.
      const it = source[Symbol.asyncIterator]();
      await it.next();
      console.log(n);`;
    // With flags a worker refuses when they are handed to it (V8's): the worker still starts.
    const flags = ['--max-old-space-size=2048', '--stack-size=2000', '--input-type=module', '-e', script];
    const r = spawnSync(process.execPath, flags, {
      cwd: pkgDir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.signal, 'the process had to be killed: the worker kept it alive').toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('3');
  });
});
