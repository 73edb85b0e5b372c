import { augmentSamples, type ImageSplit } from '@neurite/datasets';
import type { BatchSource } from '@neurite/model';

interface AugmentSettings {
  seed: number;
  batchSize: number;
  validationSplit: number;
}

/**
 * Training batches with seeded random shifts (2 px), rotations (10 degrees) and zooms (10%): the first
 * (1 - validationSplit) of the images, reshuffled every epoch. The held-out part is never augmented.
 */
export function augmentedBatches(split: ImageSplit, s: AugmentSettings): BatchSource {
  const [train] = split.dataset().split(s.validationSplit);
  return train
    .shuffle(s.seed, { reshuffleEachIteration: true })
    .map(augmentSamples({ seed: s.seed }))
    .batch(s.batchSize);
}

/** The held-out images, as Keras' validationSplit picks them (the last ones), in batches. */
export function heldOutBatches(split: ImageSplit, s: AugmentSettings): BatchSource {
  const [, val] = split.dataset().split(s.validationSplit);
  return val.batch(256);
}
