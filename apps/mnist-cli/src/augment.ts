import {
  augmentSamples,
  type BatchedDataset,
  type Dataset,
  digitAugmentation,
  type ImageSplit,
  type WorkerBatches,
  workerBatches,
} from '@neurite/datasets';
import type { BatchSource } from '@neurite/model';

export interface AugmentSettings {
  seed: number;
  /** 'digits': digitAugmentation; 'shifts' or absent: the shifts, rotations and zooms of older runs. */
  augmentation?: 'digits' | 'shifts' | undefined;
  batchSize: number;
  validationSplit: number;
}

/**
 * One epoch's training batches: the images to train on (the held-out part already split off) in that
 * epoch's order, each augmented with that epoch's draws (digitAugmentation: the geometry of other hands
 * and what pens, scanners and cameras do; or, for older runs, shifts of 2 px, rotations of 10 degrees and
 * zooms of 10%). A function of (seed, epoch) alone, so that a run resumed in the middle of an epoch sees
 * exactly the batches an uninterrupted one would, and the worker (augment-worker.ts) makes exactly the
 * batches this thread would.
 */
export function epochPipeline(train: Dataset, s: AugmentSettings, epoch: number): BatchedDataset {
  const seed = (s.seed * 1000003 + epoch * 7919 + 1) >>> 0;
  const options = s.augmentation === 'digits' ? { ...digitAugmentation, seed } : { seed };
  return train.shuffle(seed).map(augmentSamples(options)).batch(s.batchSize);
}

/**
 * Training batches with seeded augmentation, made on this thread: the first (1 - validationSplit) of the
 * images, a new order and new draws each epoch, read from `epoch()` when fit starts the epoch. The
 * held-out part is never augmented. train uses augmentedInWorker, which gives the same batches.
 */
export function augmentedBatches(split: ImageSplit, s: AugmentSettings, epoch: () => number): BatchSource {
  const [train] = split.dataset().split(s.validationSplit);
  return {
    [Symbol.asyncIterator]() {
      return epochPipeline(train, s, epoch())[Symbol.asyncIterator]();
    },
  };
}

/** What the worker receives: the images to train on, shared, not copied, and the settings. */
export interface WorkerArgs {
  images: Float32Array;
  labels: Uint8Array;
  width: number;
  height: number;
  classes: number;
  settings: AugmentSettings;
}

/**
 * augmentedBatches' batches, made in a worker thread while the training threads work on the batches
 * before them (augmenting an epoch costs about 2.7 s of a core; on this thread it held every step up).
 * The images to train on are copied once into shared memory. Close it when training ends.
 */
export function augmentedInWorker(split: ImageSplit, s: AugmentSettings, epoch: () => number): WorkerBatches {
  // The images to train on, as Dataset.split counts them (augmentedBatches' and the held-out split's).
  const n = split.dataset().split(s.validationSplit)[0].count as number;
  const pixels = n * split.width * split.height;
  const images = new Float32Array(new SharedArrayBuffer(pixels * 4));
  images.set(split.images.subarray(0, pixels));
  const args: WorkerArgs = {
    images,
    labels: split.labels.slice(0, n),
    width: split.width,
    height: split.height,
    classes: split.classes,
    settings: {
      seed: s.seed,
      augmentation: s.augmentation,
      batchSize: s.batchSize,
      validationSplit: s.validationSplit,
    },
  };
  return workerBatches(new URL('./augment-worker.js', import.meta.url), {
    args,
    iteration: epoch,
    count: Math.ceil(n / s.batchSize),
  });
}

/** The held-out images, as Keras' validationSplit picks them (the last ones), in batches. */
export function heldOutBatches(split: ImageSplit, s: AugmentSettings): BatchSource {
  const [, val] = split.dataset().split(s.validationSplit);
  return val.batch(256);
}
