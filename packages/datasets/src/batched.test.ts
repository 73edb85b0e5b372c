import { liveTensors, setSeed } from '@neurite/core';
import { describeBackends } from '@neurite/core/testing';
import { Dataset } from '@neurite/datasets';
import { Dense } from '@neurite/layers';
import { sequential } from '@neurite/model';
import { expect, it } from 'vitest';

/** n samples of 4 features; class 1 when the first feature is above 0.5 (one-hot y). */
async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of source) out.push(v);
  return out;
}

function toy(n: number): Dataset {
  const x = new Float32Array(4 * n);
  const y = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x[4 * i + j] = ((i * 7 + j * 3) % 11) / 10;
    y[2 * i + (x[4 * i] > 0.5 ? 1 : 0)] = 1;
  }
  return Dataset.fromArrays({ x, y, xShape: [4], yShape: [2] });
}

await describeBackends('Dataset.batch', () => {
  it('makes full batches then a partial last one, with the samples in order', async () => {
    const x = Float32Array.from({ length: 10 * 3 }, (_, i) => i);
    const y = Float32Array.from({ length: 10 }, (_, i) => i % 3);
    const ds = Dataset.fromArrays({ x, y, xShape: [3], yShape: [] });
    const shapes: number[][][] = [];
    const xs: number[] = [];
    const ys: number[] = [];
    for await (const b of ds.batch(4)) {
      shapes.push([b.xs.shape, b.ys.shape]);
      xs.push(...(await b.xs.data()));
      ys.push(...(await b.ys.data()));
      expect([b.xs.dtype, b.ys.dtype]).toEqual(['float32', 'float32']);
      b.xs.dispose();
      b.ys.dispose();
    }
    expect(shapes).toEqual([
      [[4, 3], [4]],
      [[4, 3], [4]],
      [[2, 3], [2]],
    ]);
    expect(xs).toEqual(Array.from(x));
    expect(ys).toEqual(Array.from(y));
    let batches = 0;
    for await (const b of ds.batch(4, { dropRemainder: true })) {
      batches++;
      expect(b.xs.shape).toEqual([4, 3]);
      b.xs.dispose();
      b.ys.dispose();
    }
    expect(batches).toBe(2);
  });

  it('keeps image shapes and says so when a map changes a sample size without new shapes', async () => {
    const images = Dataset.fromArrays({
      x: new Float32Array(3 * 4),
      y: new Float32Array(3),
      xShape: [2, 2, 1],
      yShape: [1],
    });
    const [b] = await collect(images.batch(8));
    expect(b.xs.shape).toEqual([3, 2, 2, 1]);
    b.xs.dispose();
    b.ys.dispose();
    const bad = images.map((s) => ({ x: s.x.subarray(0, 3), y: s.y }));
    const before = liveTensors().tensors;
    await expect(collect(bad.batch(2))).rejects.toThrow(
      'Dataset.batch: sample 0 has 3 x values and 1 y values; expected 4 for xShape [2, 2, 1] and 1 for yShape [1]. ' +
        'If a map() changed the sizes, pass the new shapes: map(fn, { xShape, yShape }).',
    );
    expect(liveTensors().tensors).toBe(before);
  });

  it('trains a Dense model through model.fit(dataset.batch(32)) without leaking tensors', async () => {
    setSeed(1);
    const model = sequential([new Dense({ units: 2, activation: 'softmax', inputShape: [4] })]);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    // fit on a batch source does not build the model itself (it collects the variables first).
    model.build();
    const data = toy(100).shuffle(1, { reshuffleEachIteration: true });
    const weights = Array.from(await model.trainableWeights[0].variable.data());
    const before = liveTensors().tensors;
    const h = await model.fit(data.batch(32), { epochs: 1 });
    expect(liveTensors().tensors).toBe(before);
    expect(h.history.loss).toHaveLength(1);
    expect(Number.isFinite(h.history.loss[0])).toBe(true);
    expect(Array.from(await model.trainableWeights[0].variable.data())).not.toEqual(weights);
    const more = await model.fit(data.batch(32), { epochs: 10 });
    expect(more.history.loss[9]).toBeLessThan(h.history.loss[0]);
    expect(liveTensors().tensors).toBe(before);
  });
});
