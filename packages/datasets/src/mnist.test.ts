import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describeBackends } from '@neurite/core/testing';
import { encodeIdx, loadFashionMnist, loadMnist } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';

function histogram(labels: Uint8Array): number[] {
  const h = new Array(10).fill(0);
  for (const l of labels) h[l]++;
  return h;
}

/** A Fashion-MNIST-like folder of generated files: `n` images and `labels` for the train split. */
function fakeFolder(n: number, labels: number[], imageShape = [28, 28]): string {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-mnist-'));
  const size = imageShape.reduce((a, b) => a * b, 1);
  const images = encodeIdx({ dims: [n, ...imageShape], type: 'uint8', data: new Uint8Array(n * size).fill(255) });
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images));
  writeFileSync(
    join(dir, 'train-labels-idx1-ubyte'),
    encodeIdx({ dims: [labels.length], type: 'uint8', data: labels }),
  );
  writeFileSync(
    join(dir, 't10k-images-idx3-ubyte'),
    encodeIdx({ dims: [1, 28, 28], type: 'uint8', data: new Uint8Array(784) }),
  );
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(encodeIdx({ dims: [1], type: 'uint8', data: [3] })));
  return dir;
}

describe('loadMnist', () => {
  it('loads the real MNIST: 60,000 + 10,000 28x28 images in [0, 1] with the known label counts', async () => {
    const { train, test } = await loadMnist();
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect([train.height, train.width, train.classes]).toEqual([28, 28, 10]);
    expect(train.images.length).toBe(60000 * 784);
    expect(test.images.length).toBe(10000 * 784);
    expect(train.labels.length).toBe(60000);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of train.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    expect(histogram(train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(histogram(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect([train.labels[0], test.labels[0]]).toEqual([5, 7]);
  });

  it('honours limit and rejects a bad one', async () => {
    const { train, test } = await loadMnist({ limit: 300 });
    expect([train.count, test.count, train.images.length]).toEqual([300, 300, 300 * 784]);
    await expect(loadMnist({ limit: 0 })).rejects.toThrow(
      'loadMnist: limit must be a positive integer. Received: 0. E.g. { limit: 1000 }.',
    );
  });
});

describe('image files that do not belong together', () => {
  it('names both files and both counts when images and labels differ in number', async () => {
    const dir = fakeFolder(3, [1, 2, 3, 4]);
    await expect(loadFashionMnist({ dir })).rejects.toThrow(
      `loadFashionMnist: ${join(dir, 'train-images-idx3-ubyte.gz')} has 3 images but ` +
        `${join(dir, 'train-labels-idx1-ubyte')} has 4 labels; expected one label per image. ` +
        'The two files do not belong together, or one is damaged. ' +
        'Reinstall it (apt-get install dataset-fashion-mnist --reinstall) or download the file again.',
    );
  });

  it('rejects images that are not 28 x 28 and labels out of range', async () => {
    const wide = fakeFolder(2, [1, 2], [28, 30]);
    await expect(loadFashionMnist({ dir: wide })).rejects.toThrow(
      `loadFashionMnist: ${join(wide, 'train-images-idx3-ubyte.gz')} should hold uint8 images of shape ` +
        '[count, 28, 28]; it holds uint8 [2, 28, 30].',
    );
    const bad = fakeFolder(2, [1, 12]);
    await expect(loadFashionMnist({ dir: bad })).rejects.toThrow(
      `loadFashionMnist: ${join(bad, 'train-labels-idx1-ubyte')} has label 12 at index 1; expected 0..9.`,
    );
  });

  it('loads a consistent generated pair, gzipped or plain', async () => {
    const { train, test } = await loadFashionMnist({ dir: fakeFolder(2, [7, 0]) });
    expect([train.count, test.count, Array.from(train.labels), test.labels[0]]).toEqual([2, 1, [7, 0], 3]);
    expect(train.images.every((v) => v === 1)).toBe(true);
  });
});

await describeBackends('ImageSplit tensors', () => {
  it('makes x [n, 28, 28, 1] and one-hot or int32 y', async () => {
    const { train } = await loadMnist({ limit: 8 });
    const { x, y } = train.toTensors();
    expect(x.shape).toEqual([8, 28, 28, 1]);
    expect(y.shape).toEqual([8, 10]);
    expect(y.dtype).toBe('float32');
    const hot = await y.data();
    expect(Array.from(hot.slice(0, 10))).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]); // the first digit is a 5
    const pixels = await x.data();
    expect(pixels.length).toBe(8 * 784);
    expect(pixels[0]).toBe(0);
    expect(Math.max(...pixels)).toBe(1);
    const sparse = train.toTensors({ oneHot: false }).y;
    expect([sparse.shape, sparse.dtype]).toEqual([[8], 'int32']);
    expect(Array.from(await sparse.data())).toEqual(Array.from(train.labels));
    for (const t of [x, y, sparse]) t.dispose();
  });
});
