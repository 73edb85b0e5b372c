import { type Tensor, tensor1d, tensor2d, tensor4d } from '@neurite/core';
import { Dataset } from './dataset.js';
import { oneHot } from './helpers.js';

/** Options for ImageSplit.toTensors and ImageSplit.dataset. */
export interface LabelOptions {
  /** Targets one-hot ([count, classes] float32, the default) or as class indices. */
  oneHot?: boolean;
}

/**
 * One split (train or test) of an image-classification set such as MNIST: grey images scaled to [0, 1]
 * and their integer labels, as typed arrays, with ways to get tensors or a Dataset.
 */
export interface ImageSplit {
  /** Number of images. */
  count: number;
  height: number;
  width: number;
  /** Number of classes (labels are 0..classes-1). */
  classes: number;
  /** count * height * width pixels, row-major, scaled to [0, 1]. */
  images: Float32Array;
  /** One label per image. */
  labels: Uint8Array;
  /**
   * The whole split as tensors: x [count, height, width, 1] float32, and y [count, classes] float32 one-hot
   * or, with { oneHot: false }, [count] int32. x may share memory with `images`: do not write into it.
   */
  toTensors(options?: LabelOptions): { x: Tensor; y: Tensor };
  /** A Dataset of samples x [height, width, 1] and y [classes] one-hot, or [] (the class index) with { oneHot: false }. */
  dataset(options?: LabelOptions): Dataset;
}

/** An ImageSplit over pixels already scaled to [0, 1] and labels already checked against `classes`. */
export function imageSplit(a: {
  images: Float32Array;
  labels: Uint8Array;
  height: number;
  width: number;
  classes: number;
}): ImageSplit {
  const { images, labels, height, width, classes } = a;
  const count = labels.length;
  return {
    count,
    height,
    width,
    classes,
    images,
    labels,
    toTensors: (options = {}) => ({
      x: tensor4d(images, [count, height, width, 1]),
      y:
        (options.oneHot ?? true)
          ? tensor2d(oneHot(labels, classes), [count, classes])
          : tensor1d(Int32Array.from(labels), 'int32'),
    }),
    dataset: (options = {}) => {
      const hot = options.oneHot ?? true;
      return Dataset.fromArrays({
        x: images,
        y: hot ? oneHot(labels, classes) : Float32Array.from(labels),
        xShape: [height, width, 1],
        yShape: hot ? [classes] : [],
        count,
      });
    },
  };
}
