import { NeuriteError } from '@neurite/core';
import { checkLimit, loadSplit } from './internal/load_split.js';
import type { ImageSets, LoadOptions } from './mnist.js';

/**
 * Fashion-MNIST's class names, by label: fashionMnistClasses[9] is 'Ankle boot'.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { fashionMnistClasses } from '@neurite/datasets';
 * await useBackend('cpu');
 * console.log(fashionMnistClasses[0], fashionMnistClasses.length); // T-shirt/top 10
 * ```
 */
export const fashionMnistClasses: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** Where Debian's dataset-fashion-mnist package puts the files. */
const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

const INSTALL = 'apt-get install dataset-fashion-mnist';
const FIX = `Reinstall it (${INSTALL} --reinstall) or download the file again.`;

/**
 * Node only. Fashion-MNIST (Zalando's 28 x 28 clothing images, 10 classes, 60,000 train and 10,000 test)
 * from a folder holding `{train,t10k}-{images-idx3,labels-idx1}-ubyte`, gzipped (`.gz`, as Debian's
 * dataset-fashion-mnist installs them in /usr/share/datasets/fashion-mnist, the default) or plain.
 * Same return type as loadMnist; the class names are in fashionMnistClasses.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { fashionMnistClasses, loadFashionMnist } from '@neurite/datasets';
 * await useBackend('cpu');
 * const { train } = await loadFashionMnist({ limit: 100 }); // needs: apt-get install dataset-fashion-mnist
 * console.log(train.count, fashionMnistClasses[train.labels[0]]); // 100 Ankle boot
 * ```
 */
export async function loadFashionMnist(options: LoadOptions & { dir?: string } = {}): Promise<ImageSets> {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  checkLimit('loadFashionMnist', options.limit);
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  const isDir = await fs.stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    throw new NeuriteError(
      `loadFashionMnist: no folder ${dir}. Expected the Fashion-MNIST files ` +
        `{train,t10k}-{images-idx3,labels-idx1}-ubyte(.gz) there. Install them with \`${INSTALL}\` ` +
        `(Debian, Ubuntu), or pass { dir } with the folder that holds them.`,
    );
  }
  const find = async (base: string): Promise<string> => {
    for (const name of [`${base}.gz`, base]) {
      const path = join(dir, name);
      if (
        await fs.stat(path).then(
          (s) => s.isFile(),
          () => false,
        )
      )
        return path;
    }
    throw new NeuriteError(
      `loadFashionMnist: ${dir} has neither ${base}.gz nor ${base}. Expected the four Fashion-MNIST files ` +
        `there. Install them with \`${INSTALL}\`, or pass { dir } with the folder that holds them.`,
    );
  };
  const split = async (prefix: string) =>
    loadSplit({
      where: 'loadFashionMnist',
      images: await find(`${prefix}-images-idx3-ubyte`),
      labels: await find(`${prefix}-labels-idx1-ubyte`),
      fix: FIX,
      limit: options.limit,
    });
  // One split after the other: a missing or broken file is then always reported in the same order.
  const train = await split('train');
  const test = await split('t10k');
  return { train, test };
}
