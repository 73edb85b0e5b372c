// Any model folder the neurite command opens: a Neurite save (format "neurite-model") or a TensorFlow.js
// layers model (tfjs's model.save(), tensorflowjs_converter from Keras 2 or 3), told apart by model.json.
import { basename, dirname, join } from 'node:path';
import type { LayersModelPlan } from '@neurite/interchange';
import { loadLayersModel, MAX_LAYERS_JSON_BYTES } from '@neurite/interchange/node';
import { loadModel, type Model } from '@neurite/model';
import { UsageError } from '../errors.js';
import { readJsonFile } from '../io.js';
import { inferenceBatch, valuesPerImage } from '../models.js';
import { inline } from '../terminal.js';

export interface OpenedModel {
  model: Model;
  /** 'neurite' for a Neurite save, else the layers dialect. */
  format: 'neurite' | LayersModelPlan['dialect'];
  /** What the layers reader found (absent for a Neurite save). */
  plan?: LayersModelPlan;
  /** model.json's path. */
  json: string;
}

/** Opens a model folder, or a model.json by its path, of either format. */
export async function openModel(command: string, path: string): Promise<OpenedModel> {
  const json = /\.json$/i.test(path) ? path : join(path, 'model.json');
  const r = await readJsonFile<Record<string, unknown>>(json, { maxBytes: MAX_LAYERS_JSON_BYTES, followLinks: false });
  if (!r.ok) {
    throw new UsageError(
      r.missing
        ? `${command}: ${inline(json)} does not exist. Give a model folder (one with model.json) or a model.json.`
        : `${command}: cannot read ${inline(json)}: ${r.reason}.`,
    );
  }
  const format = r.value?.format;
  if (format === 'neurite-model') {
    if (basename(json) !== 'model.json') {
      throw new UsageError(`${command}: a Neurite model is a folder; give ${inline(dirname(json))}.`);
    }
    return { model: await loadModel(dirname(json)), format: 'neurite', json };
  }
  // Everything else goes to the layers reader, whose messages say what a graph model or a stranger is.
  const { model, plan } = await loadLayersModel(json);
  return { model, format: plan.dialect, plan, json };
}

/** The most layer-output values one input may make (256 MiB of float32): MobileNet at 224 x 224 makes about 10 million. */
export const MAX_VALUES_PER_INPUT = 2 ** 26;

/**
 * Refuses a model whose layers would make more than MAX_VALUES_PER_INPUT values for one input (a small
 * file can describe layers that make gigabytes), and returns an inference batch size for it.
 */
export function checkRunnable(command: string, model: Model): number {
  const values = valuesPerImage(model);
  if (values > MAX_VALUES_PER_INPUT) {
    throw new UsageError(
      `${command}: the model's layers make ${values.toLocaleString('en-US')} values for one input; neurite runs models of up to ` +
        `${MAX_VALUES_PER_INPUT.toLocaleString('en-US')}. Is the file what you think it is?`,
    );
  }
  return inferenceBatch(values);
}
