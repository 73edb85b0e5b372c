import { Dataset, type Sample } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

/** n samples: x = [i, -i], y = [i % 2]. */
function numbers(n: number): Dataset {
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = -i;
    y[i] = i % 2;
  }
  return Dataset.fromArrays({ x, y, xShape: [2], yShape: [1] });
}

async function ids(ds: AsyncIterable<Sample>): Promise<number[]> {
  const out: number[] = [];
  for await (const s of ds) out.push(s.x[0]);
  return out;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('Dataset sources', () => {
  it('fromArrays yields views of each row in order, with its count and shapes', async () => {
    const ds = numbers(4);
    expect([ds.count, ds.xShape, ds.yShape]).toEqual([4, [2], [1]]);
    const all: Sample[] = [];
    for await (const s of ds) all.push(s);
    expect(all.map((s) => [Array.from(s.x), Array.from(s.y)])).toEqual([
      [[0, -0], [0]],
      [[1, -1], [1]],
      [[2, -2], [0]],
      [[3, -3], [1]],
    ]);
  });

  it('fromArrays checks the lengths against count and shapes', () => {
    expect(() =>
      Dataset.fromArrays({ x: new Float32Array(6), y: new Float32Array(2), xShape: [2], yShape: [1] }),
    ).toThrow(
      'Dataset.fromArrays: expected x of 3 x 2 = 6 values and y of 3 x 1 = 3 values for 3 samples of xShape [2] and ' +
        'yShape [1]. Received x of 6 and y of 2. Check the shapes and count.',
    );
    expect(() =>
      Dataset.fromArrays({ x: new Float32Array(5), y: new Float32Array(2), xShape: [2], yShape: [1] }),
    ).toThrow('Dataset.fromArrays: count must be a non-negative integer. Received: 2.5.');
  });

  it('fromGenerator restarts its (sync or async) generator on every iteration', async () => {
    let calls = 0;
    const sync = Dataset.fromGenerator(
      function* () {
        calls++;
        for (let i = 0; i < 3; i++) yield { x: new Float32Array([i]), y: new Float32Array([0]) };
      },
      { xShape: [1], yShape: [1] },
    );
    expect(sync.count).toBeUndefined();
    expect(await ids(sync)).toEqual([0, 1, 2]);
    expect(await ids(sync)).toEqual([0, 1, 2]);
    expect(calls).toBe(2);
    const asyncDs = Dataset.fromGenerator(
      async function* () {
        for (let i = 5; i < 7; i++) yield { x: new Float32Array([i]), y: new Float32Array([0]) };
      },
      { xShape: [1], yShape: [1], count: 2 },
    );
    expect([asyncDs.count, await ids(asyncDs)]).toEqual([2, [5, 6]]);
  });
});

describe('Dataset.shuffle', () => {
  it('is a permutation, the same for a seed (every iteration) and different across seeds', async () => {
    const a = numbers(100).shuffle(7);
    const first = await ids(a);
    expect([...first].sort((p, q) => p - q)).toEqual(range(100));
    expect(first).not.toEqual(range(100));
    expect(await ids(a)).toEqual(first);
    expect(await ids(numbers(100).shuffle(7))).toEqual(first);
    expect(await ids(numbers(100).shuffle(8))).not.toEqual(first);
    expect(a.count).toBe(100);
  });

  it('with reshuffleEachIteration, iteration k uses seed + k', async () => {
    const ds = numbers(30).shuffle(5, { reshuffleEachIteration: true });
    const orders = [await ids(ds), await ids(ds), await ids(ds)];
    expect(orders[0]).toEqual(await ids(numbers(30).shuffle(5)));
    expect(orders[1]).toEqual(await ids(numbers(30).shuffle(6)));
    expect(orders[2]).toEqual(await ids(numbers(30).shuffle(7)));
    expect(orders[1]).not.toEqual(orders[0]);
  });

  it('with a buffer, is a deterministic permutation that keeps samples near their place', async () => {
    const ds = numbers(200).shuffle(3, 10);
    const order = await ids(ds);
    expect([...order].sort((p, q) => p - q)).toEqual(range(200));
    expect(await ids(numbers(200).shuffle(3, { bufferSize: 10 }))).toEqual(order);
    expect(order).not.toEqual(range(200));
    // A 10-sample buffer cannot yield sample i before sample i - 10 has arrived.
    expect(Math.max(...order.map((v, i) => v - i))).toBeLessThanOrEqual(10);
  });

  it('needs a buffer when the count is unknown, and checks its arguments', () => {
    const gen = Dataset.fromGenerator(() => [], { xShape: [1], yShape: [1] });
    expect(() => gen.shuffle(1)).toThrow(
      'Dataset.shuffle: a full shuffle needs a known count, and this dataset comes from a generator without one. ' +
        'Pass a buffer, e.g. .shuffle(seed, { bufferSize: 1000 }), or a count to Dataset.fromGenerator.',
    );
    expect(() => numbers(3).shuffle(1, 0)).toThrow(
      'Dataset.shuffle: bufferSize must be a positive integer. Received: 0.',
    );
    expect(() => numbers(3).shuffle(Number.POSITIVE_INFINITY)).toThrow(
      'Dataset.shuffle: seed must be a finite number. Received: Infinity.',
    );
  });
});

describe('Dataset take, skip, split, map', () => {
  it('take and skip count and cut by order', async () => {
    const ds = numbers(10);
    expect([ds.take(3).count, await ids(ds.take(3))]).toEqual([3, [0, 1, 2]]);
    expect([ds.skip(7).count, await ids(ds.skip(7))]).toEqual([3, [7, 8, 9]]);
    expect([ds.take(20).count, ds.skip(20).count, await ids(ds.skip(20))]).toEqual([10, 0, []]);
    expect(await ids(ds.take(0))).toEqual([]);
    expect(await ids(ds.skip(2).take(3))).toEqual([2, 3, 4]);
    expect(() => ds.take(-1)).toThrow('Dataset.take: n must be a non-negative integer. Received: -1.');
  });

  it('split gives the first (1 - fraction) to the first dataset and the last fraction to the second', async () => {
    const [train, val] = numbers(10).split(0.2);
    expect([train.count, val.count]).toEqual([8, 2]);
    expect(await ids(train)).toEqual(range(8));
    expect(await ids(val)).toEqual([8, 9]);
    const [a, b] = numbers(10).shuffle(1).split(0.25);
    expect([a.count, b.count]).toEqual([8, 2]);
    const both = [...(await ids(a)), ...(await ids(b))].sort((p, q) => p - q);
    expect(both).toEqual(range(10));
    expect(() => numbers(3).split(1.5)).toThrow(
      'Dataset.split: fraction must be in [0, 1]. Received: 1.5. E.g. split(0.1).',
    );
  });

  it('map transforms samples lazily and may change the shapes', async () => {
    let calls = 0;
    const ds = numbers(3).map(
      (s) => {
        calls++;
        return { x: new Float32Array([s.x[0] * 10]), y: s.y };
      },
      { xShape: [1] },
    );
    expect(calls).toBe(0);
    expect([ds.xShape, ds.yShape, ds.count]).toEqual([[1], [1], 3]);
    expect(await ids(ds)).toEqual([0, 10, 20]);
    expect(calls).toBe(3);
  });

  it('batch reports its batch count without iterating', () => {
    expect(numbers(10).batch(4).count).toBe(3);
    expect(numbers(10).batch(4, { dropRemainder: true }).count).toBe(2);
    expect(Dataset.fromGenerator(() => [], { xShape: [1], yShape: [1] }).batch(4).count).toBeUndefined();
    expect(() => numbers(10).batch(0)).toThrow(
      'Dataset.batch: batchSize must be a positive integer. Received: 0. E.g. batch(32).',
    );
  });
});
