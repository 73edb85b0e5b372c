import { augmentSamples, digitAugmentation, type ImageSplit } from '@neurite/datasets';
import type { Batch, BatchSource } from '@neurite/model';

interface AugmentSettings {
  seed: number;
  /** 'digits': digitAugmentation; 'shifts' or absent: the shifts, rotations and zooms of older runs. */
  augmentation?: 'digits' | 'shifts';
  batchSize: number;
  validationSplit: number;
}

/**
 * Training batches with seeded augmentation (digitAugmentation: the geometry of other hands and what pens,
 * scanners and cameras do; or, for older runs, shifts of 2 px, rotations of 10 degrees and zooms of 10%): the first
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
      const options = s.augmentation === 'digits' ? { ...digitAugmentation, seed } : { seed };
      return train.shuffle(seed).map(augmentSamples(options)).batch(s.batchSize)[Symbol.asyncIterator]();
    },
  };
}

/** The held-out images, as Keras' validationSplit picks them (the last ones), in batches. */
export function heldOutBatches(split: ImageSplit, s: AugmentSettings): BatchSource {
  const [, val] = split.dataset().split(s.validationSplit);
  return val.batch(256);
}
