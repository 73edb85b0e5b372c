// The pipeline workerBatches builds in its worker thread for train (augment.ts's augmentedInWorker):
// the images it was handed, as an ImageSplit, through the same epochPipeline the main thread would use.
import { type BatchedDataset, imageSplit } from '@neurite/datasets';
import { epochPipeline, type WorkerArgs } from './augment.js';

export default function pipeline(args: WorkerArgs, epoch: number): BatchedDataset {
  const split = imageSplit(args);
  // Nothing is held out here: the main thread handed over only the images to train on.
  return epochPipeline(split.dataset(), args.settings, epoch);
}
