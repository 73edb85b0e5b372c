// Any model folder the neurite command opens: a Neurite save (format "neurite-model") or a TensorFlow.js
// layers model (tfjs's model.save(), tensorflowjs_converter from Keras 2 or 3), told apart by model.json.
import { basename, dirname, join } from 'node:path';
import { type LayersModelPlan, layersModelInputs } from '@neurite/interchange';
import { loadLayersModel, MAX_LAYERS_JSON_BYTES } from '@neurite/interchange/node';
import { loadModel, type Model, ModelLayer } from '@neurite/model';
import { num } from '../args.js';
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

export interface OpenOptions {
  /** The --input-shape flag: a layers model's input shape without the batch, for its open dimensions. */
  inputShape?: number[];
  /** The image the model will run on: a layers model's open height and width take its size. */
  image?: { height: number; width: number };
  /** The --max-weights-mb flag: a layers model's weights, as float32, in MiB (default 256). */
  maxWeightsMb?: number;
}

/** The --max-weights-mb flag: a number of MiB from 1 to 65,536, or undefined when absent. */
export function maxWeightsFlag(command: string, value: string | undefined): number | undefined {
  return num(command, 'max-weights-mb', value, 0, 65_537);
}

/** The --input-shape flag: 'h,w,c' (positive integers), or undefined when absent. */
export function inputShapeFlag(command: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const dims = value.split(',').map((d) => (/^\d{1,7}$/.test(d.trim()) ? Number(d) : Number.NaN));
  if (dims.length > 8 || !dims.every((d) => Number.isInteger(d) && d > 0)) {
    throw new UsageError(
      `${command}: --input-shape must be positive integers separated by commas, e.g. 224,224,3. Received: --input-shape ${inline(value)}.`,
    );
  }
  return dims;
}

// An image's size for a layers model's open dimensions: [h, w, c] or [h, w], channels 3 when open.
function fromImage(json: unknown, image: { height: number; width: number }): number[] | undefined {
  const inputs = layersModelInputs(json);
  const shape = inputs.length === 1 ? (inputs[0]?.shape ?? []) : [];
  if (!shape.includes(null) || (shape.length !== 2 && shape.length !== 3)) return undefined;
  return shape.map((d, i) => d ?? (i === 0 ? image.height : i === 1 ? image.width : 3));
}

/** Opens a model folder, or a model.json by its path, of either format. */
export async function openModel(command: string, path: string, options: OpenOptions = {}): Promise<OpenedModel> {
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
  const inputShape = options.inputShape ?? (options.image ? fromImage(r.value, options.image) : undefined);
  if (!inputShape) {
    const open = layersModelInputs(r.value, json).find((x) => x.shape.includes(null));
    if (open) {
      const example = open.shape.map((d) => d ?? 224).join(',');
      throw new UsageError(
        `${command}: the model's input '${inline(open.name)}' is [${open.shape.map((d) => d ?? 'null').join(', ')}], with open dimensions. Give them with --input-shape, e.g. --input-shape ${example}.`,
      );
    }
  }
  const { model, plan } = await loadLayersModel(json, {
    ...(inputShape ? { inputShape } : {}),
    ...(options.maxWeightsMb ? { maxBytes: Math.floor(options.maxWeightsMb * 2 ** 20) } : {}),
  }).catch((e: Error) => {
    // The library's advice names its option; here it is a flag.
    throw /raise maxBytes/.test(e.message)
      ? new UsageError(`${command}: ${e.message.replace('raise maxBytes', 'raise it with --max-weights-mb <n>')}`)
      : e;
  });
  return { model, format: plan.dialect, plan, json };
}

/** The most values one input and its layers' outputs may hold (256 MiB of float32): MobileNet at 224 x 224 makes about 10 million. */
export const MAX_VALUES_PER_INPUT = 2 ** 26;
/** The most multiply-adds (or window reads) one input may cost: ResNet-50 at 224 x 224 is about 4 billion. */
export const MAX_WORK_PER_INPUT = 2 ** 35;

const product = (xs: unknown): number =>
  (Array.isArray(xs) ? xs : [xs ?? 1]).reduce((a: number, d) => a * (typeof d === 'number' && d > 0 ? d : 1), 1);

// An estimate of one input's cost: each node's outputs times its window (pooling, convolution), plus its
// weights times the positions they are applied at (a convolution's or a Dense layer's multiply-adds).
function workPerInput(model: Model): number {
  let work = 0;
  for (const n of model.nodes) {
    if (n.layer instanceof ModelLayer) {
      work += workPerInput(n.layer.model);
      continue;
    }
    const out = product(n.outputShape.slice(1));
    const config = n.layer.getConfig() as Record<string, unknown>;
    const window = product(config.poolSize ?? config.kernelSize ?? 1);
    const params = n.layer.weights.reduce((a, w) => a + product(w.variable.shape), 0);
    const positions = out / Math.max(1, (n.outputShape[n.outputShape.length - 1] as number | null) ?? 1);
    work += out * window + params * positions;
  }
  return work;
}

/**
 * Refuses a model whose input and layer outputs would hold more than MAX_VALUES_PER_INPUT values for
 * one input, or cost more than MAX_WORK_PER_INPUT (a few hundred bytes of model.json can describe a
 * pool over a 2000 x 2000 window, or a 40000 x 40000 input), and returns an inference batch size.
 */
export function checkRunnable(command: string, model: Model): number {
  const inputs = model.inputs.reduce((a, x) => a + product(x.shape.slice(1)), 0);
  const values = inputs + valuesPerImage(model);
  const refuse = (what: string, n: number, most: number) =>
    new UsageError(
      `${command}: the model ${what} ${n.toLocaleString('en-US')} for one input; neurite runs models of up to ` +
        `${most.toLocaleString('en-US')}. Is the file what you think it is (or --input-shape too large)?`,
    );
  if (values > MAX_VALUES_PER_INPUT) throw refuse('and its layers hold values numbering', values, MAX_VALUES_PER_INPUT);
  const work = workPerInput(model);
  if (work > MAX_WORK_PER_INPUT) throw refuse('costs multiply-adds numbering about', work, MAX_WORK_PER_INPUT);
  return inferenceBatch(values);
}
