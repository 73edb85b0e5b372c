// train augments in a worker thread (augmentedInWorker); the benchmark's PyTorch reference and a resumed
// run rely on those batches being exactly the ones augmentedBatches makes on the main thread.
import { useBackend } from '@neurite/core';
import { loadMnist } from '@neurite/datasets';
import type { BatchSource } from '@neurite/model';
import { expect, it } from 'vitest';
import { augmentedBatches, augmentedInWorker } from '../dist/augment.js';

async function read(source: BatchSource): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for await (const b of source as AsyncIterable<{
    xs: import('@neurite/core').Tensor;
    ys: import('@neurite/core').Tensor;
  }>) {
    out.push((await b.xs.data()) as Float32Array, (await b.ys.data()) as Float32Array);
    b.xs.dispose();
    b.ys.dispose();
  }
  return out;
}

it('makes, epoch by epoch, bit for bit the batches augmentedBatches makes on the main thread', async () => {
  await useBackend('cpu');
  const { train } = await loadMnist({ limit: 1500 });
  let epoch = 0;
  for (const augmentation of ['digits', 'shifts'] as const) {
    const s = { seed: 7, augmentation, batchSize: 64, validationSplit: 0.1 };
    const worker = augmentedInWorker(train, s, () => epoch);
    try {
      // 1350 images to train on: 22 batches, the last of 6.
      expect(worker.count).toBe(22);
      for (epoch = 0; epoch < 2; epoch++) {
        const here = await read(augmentedBatches(train, s, () => epoch));
        const there = await read(worker);
        expect(there.length).toBe(44);
        expect(there[42].length).toBe(6 * 784);
        expect(there.every((a, i) => a.length === here[i].length && a.every((v, j) => Object.is(v, here[i][j])))).toBe(
          true,
        );
      }
    } finally {
      await worker.close();
    }
  }
});
