import { NeuriteError, type Tensor, tensor1d, tensor2d, tensor4d } from '@neurite/core';
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

/**
 * An ImageSplit over images of your own (or over MNIST's arrays handed to a worker): pixels scaled to
 * [0, 1], row-major, one label in [0, classes) per image. The arrays are used as they are, not copied.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { imageSplit } from '@neurite/datasets';
 * await useBackend('cpu');
 * // Two 2 x 2 images: a dark one (class 0) and a bright one (class 1).
 * const split = imageSplit({
 *   images: Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1]),
 *   labels: Uint8Array.from([0, 1]),
 *   height: 2,
 *   width: 2,
 *   classes: 2,
 * });
 * console.log(split.count, split.toTensors().y.shape); // 2 [ 2, 2 ]
 * ```
 */
export function imageSplit(a: {
  images: Float32Array;
  labels: Uint8Array;
  height: number;
  width: number;
  classes: number;
}): ImageSplit {
  if (typeof a !== 'object' || a === null) {
    throw new NeuriteError(
      `imageSplit: expected { images, labels, height, width, classes }. Received: ${a === null ? 'null' : typeof a}.`,
    );
  }
  const { images, labels, height, width, classes } = a;
  const positive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!positive(height) || !positive(width) || !positive(classes) || classes > 256) {
    const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
    throw new NeuriteError(
      `imageSplit: height and width must be positive integers and classes an integer from 1 to 256. Received: height ${shown(height)}, width ${shown(width)}, classes ${shown(classes)}.`,
    );
  }
  const count = labels instanceof Uint8Array ? labels.length : 0;
  if (
    !(images instanceof Float32Array) ||
    !(labels instanceof Uint8Array) ||
    images.length !== count * height * width
  ) {
    throw new NeuriteError(
      `imageSplit: expected images, a Float32Array of labels.length x ${height} x ${width} = ${count * height * width} pixels, and labels, a Uint8Array. ` +
        `Received: images ${images instanceof Float32Array ? `of ${images.length} pixels` : 'not a Float32Array'}, labels ${labels instanceof Uint8Array ? `of ${count}` : 'not a Uint8Array'}.`,
    );
  }
  const bad = labels.findIndex((l) => l >= classes);
  if (bad >= 0) {
    throw new NeuriteError(
      `imageSplit: the label at index ${bad} is ${labels[bad]}; labels must be in [0, ${classes}) for ${classes} classes. Pass the right classes, or fix the labels.`,
    );
  }
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
