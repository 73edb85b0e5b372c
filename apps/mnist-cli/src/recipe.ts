// The default run's recipe beside the command that runs it: the learning rate over a run's steps.
import { cosineDecay, warmup } from '@neurite/optimizers';
import type { Settings } from './checkpoint.js';

/** MNIST's training images (the default --limit). */
export const MNIST_TRAIN_IMAGES = 60_000;

/**
 * The optimizer's learning rate for a run: --lr, or with --schedule onecycle a warm-up over the first 15%
 * of the run's steps to --lr and a cosine decay to 0.5% of it by the last. The steps are those of
 * --epochs at the start of the run (a resumed run keeps its schedule: it is saved with the optimizer).
 */
export function learningRate(s: Settings): number | ReturnType<typeof cosineDecay> {
  if (s.schedule !== 'onecycle') return s.lr;
  const images = Math.min(s.limit ?? MNIST_TRAIN_IMAGES, MNIST_TRAIN_IMAGES);
  const steps = Math.max(2, Math.ceil(Math.round(images * (1 - s.validationSplit)) / s.batchSize) * s.epochs);
  const warm = Math.max(1, Math.round(0.15 * steps));
  return warmup({
    warmupSteps: warm,
    after: cosineDecay({ initialLearningRate: s.lr, decaySteps: steps - warm, alpha: 0.005 }),
  });
}
