import { augmentSamples, type ImageSplit } from '@neurite/datasets';
import type { Batch, BatchSource } from '@neurite/model';

interface AugmentSettings {
  seed: number;
  batchSize: number;
  validationSplit: number;
}

/**
 * Training batches with seeded random shifts (2 px), rotations (10 degrees) and zooms (10%): the first
 * (1 - validationSplit) of the images, in a new order each epoch. Each epoch's order and augmentation are
 * a function of (seed, epoch) alone, read from `epoch()` when fit starts the epoch, so a run resumed in
 * the middle of an epoch sees exactly the batches an uninterrupted one would. The held-out part is
 * never augmented.
 */
export function augmentedBatches(split: ImageSplit, s: AugmentSettings, epoch: () => number): BatchSource {
  const [train] = split.dataset().split(s.validationSplit);
  return {
    [Symbol.asyncIterator](): AsyncIterator<Batch> {
      const e = epoch();
      const seed = (s.seed * 1000003 + e * 7919 + 1) >>> 0;
      return train.shuffle(seed).map(augmentSamples({ seed })).batch(s.batchSize)[Symbol.asyncIterator]();
    },
  };
}

/** The held-out images, as Keras' validationSplit picks them (the last ones), in batches. */
export function heldOutBatches(split: ImageSplit, s: AugmentSettings): BatchSource {
  const [, val] = split.dataset().split(s.validationSplit);
  return val.batch(256);
}
