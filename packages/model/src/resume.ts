// Resuming an interrupted fit(): the saved position checked against this call's data and the model as
// compiled now, before a batch is trained (a position from a stranger's checkpoint included).
import { NeuriteError } from '@neurite/core';
import type { FitModel } from './contract.js';
import type { SavedPosition } from './format/types.js';
import { trackedKeys } from './objective.js';

/** The position fit({ resume: true }) continues from, checked against this call's data (`samples`: arrays' length, or null for a source). */
export function checkResume(model: FitModel, samples: number | null, batchSize: number): SavedPosition | undefined {
  const at = model.trainingPosition;
  if (!at) return undefined;
  const fail = (what: string): never => {
    throw new NeuriteError(
      `${model.name}.fit: cannot resume inside epoch ${at.epoch + 1}: ${what} ` +
        'Pass the same data and batchSize as the interrupted run, or set model.trainingPosition = undefined to restart the epoch.',
    );
  };
  if (at.epoch !== model.epochsTrained) {
    fail(`the checkpoint stopped in epoch ${at.epoch + 1} but records ${model.epochsTrained} finished epochs.`);
  }
  const tracked = trackedKeys(model.requireCompiled('fit').objective);
  if (at.counts.length !== tracked.length) {
    fail(
      `it counted ${at.counts.length} values (metrics, and each output's loss in a model with several) and the model tracks ${tracked.length}` +
        `${tracked.length > 0 ? ` (${tracked.join(', ')})` : ''}.`,
    );
  }
  if (at.keys && (at.keys.length !== tracked.length || at.keys.some((k, i) => k !== tracked[i]))) {
    fail(
      `it counted ${at.keys.join(', ') || 'no metrics'}; the model, as compiled now, tracks ${tracked.join(', ') || 'no metrics'}.`,
    );
  }
  if (at.counts.some(([, den]) => den < 0) || (at.trainSamples !== null && at.samples > at.trainSamples)) {
    fail(
      `its running sums are impossible (${at.samples} samples of ${at.trainSamples ?? 'a source'}, counts ${JSON.stringify(at.counts)}): the file was edited or is corrupt.`,
    );
  }
  if (samples !== null && (at.batchSize !== batchSize || at.trainSamples !== samples)) {
    fail(
      `it trained batches of ${at.batchSize ?? '(a batch source)'} from ${at.trainSamples ?? '(a batch source)'} samples; ` +
        `this call has batches of ${batchSize} from ${samples}.`,
    );
  }
  if (samples === null && at.batchSize !== null) fail('it trained on arrays; this call passes a batch source.');
  if (samples !== null && at.batch > Math.ceil(samples / batchSize))
    fail(`it trained ${at.batch} batches of an epoch that has fewer.`);
  return at;
}
