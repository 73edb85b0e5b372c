import { NeuriteError } from '@neurite/core';
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } from '@neurite/layers';
import { loadModel, type Model, ModelLayer, modelFromJSON, type Sequential, sequential } from '@neurite/model';
import { temperatureOf } from './checkpoint.js';
import { UsageError } from './errors.js';
import { readJsonFile } from './io.js';

/**
 * The default CNN: the Keras "simple MNIST convnet" (conv 32 -> pool -> conv 64 -> pool -> dropout ->
 * softmax), with a 128-unit hidden layer that gets it past 99% in a few epochs. Dropout is 0.25, not
 * Keras' 0.5: with the default augmentation, 0.5 measured 99.43% against 0.25's 99.48% (six epochs).
 */
export function cnn(): Sequential {
  return sequential(
    [
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], name: 'conv1' }),
      new MaxPooling2D({ name: 'pool1' }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', name: 'conv2' }),
      new MaxPooling2D({ name: 'pool2' }),
      new Flatten({ name: 'flatten' }),
      new Dropout({ rate: 0.25, name: 'dropout' }),
      new Dense({ units: 128, activation: 'relu', name: 'hidden' }),
      new Dense({ units: 10, activation: 'softmax', name: 'output' }),
    ],
    { name: 'mnist_cnn' },
  );
}

/** A multi-layer perceptron: the course's "deeper network" on flattened pixels. */
export function mlp(): Sequential {
  return sequential(
    [
      new Flatten({ inputShape: [28, 28, 1], name: 'flatten' }),
      new Dense({ units: 256, activation: 'relu', name: 'hidden1' }),
      new Dropout({ rate: 0.2, name: 'dropout' }),
      new Dense({ units: 128, activation: 'relu', name: 'hidden2' }),
      new Dense({ units: 10, activation: 'softmax', name: 'output' }),
    ],
    { name: 'mnist_mlp' },
  );
}

/** The most layers a --model file may have. */
export const MAX_LAYERS = 1000;
/** The largest model --model may describe: 25 million parameters (100 MB of float32 weights). */
export const MAX_PARAMS = 25_000_000;

/**
 * --model cnn | mlp | <file.json>. A JSON file holds a Sequential's `{ layers: [{ className, config }] }`
 * or a graph's `{ inputs, layers: [{ className, config, inbound }], outputs }` (see modelFromJSON); a
 * saved model.json or a model's toJSON() works as it is. Nothing is allocated until training builds it.
 */
export async function buildModel(spec: string): Promise<Model> {
  if (spec === 'cnn') return cnn();
  if (spec === 'mlp') return mlp();
  if (!spec.endsWith('.json')) {
    throw new UsageError(`train: --model must be cnn, mlp or a .json file of layers. Received: --model ${spec}.`);
  }
  const read = await readJsonFile<{ layers?: unknown; name?: unknown; inputs?: unknown; inputShape?: unknown }>(spec, {
    maxBytes: 4 * 2 ** 20,
  });
  if (!read.ok) {
    throw new UsageError(
      `train: cannot read the model file ${spec}: ${read.reason}. Expected a JSON file of at most 4 MB.`,
    );
  }
  const json = read.value;
  if (json === null || typeof json !== 'object' || !Array.isArray(json.layers) || json.layers.length === 0) {
    throw new UsageError(
      `train: ${spec} has no "layers" list. Expected { "layers": [{ "className": "Dense", "config": { ... } }] }, ` +
        'or a graph: { "inputs": [...], "layers": [{ "className", "config", "inbound" }], "outputs": [...] }.',
    );
  }
  const name = typeof json.name === 'string' && json.name !== '' ? json.name.slice(0, 200) : 'mnist_custom';
  if (json.layers.length > MAX_LAYERS) {
    throw new UsageError(
      `train: ${spec} has ${json.layers.length} layers; neurite-mnist trains models of up to ${MAX_LAYERS}.`,
    );
  }
  // A stack without an input shape takes MNIST's.
  const stack = json.inputs === undefined;
  let model: Model;
  try {
    model = modelFromJSON({
      ...json,
      name,
      ...(stack && json.inputShape === undefined ? { inputShape: [28, 28, 1] } : {}),
    });
  } catch (e) {
    if (e instanceof NeuriteError) {
      throw new UsageError(`train: ${spec}: ${e.message.replace(/^modelFromJSON: /, '')}`);
    }
    throw e;
  }
  const applications = model.graphSize();
  if (applications > MAX_LAYERS) {
    throw new UsageError(
      `train: ${spec} runs ${applications} layers per image (nested models counted at each use); neurite-mnist trains models of up to ${MAX_LAYERS}.`,
    );
  }
  // Sizes from the architecture alone, before any weight exists: a file cannot make training allocate gigabytes.
  let params: number;
  try {
    params = model.planWeights().reduce((n, { weight }) => n + weight.shape.reduce((a, b) => a * b, 1), 0);
  } catch (e) {
    if (e instanceof NeuriteError) throw new UsageError(`train: ${spec}: ${e.message}`);
    throw e;
  }
  if (params > MAX_PARAMS) {
    throw new UsageError(
      `train: ${spec} describes ${params} parameters; neurite-mnist trains models of up to ${MAX_PARAMS}. Use fewer or smaller layers.`,
    );
  }
  checkMnistModel(model, 'train', spec);
  return model;
}

/** The most values a model's layers may produce per image (1 MB of float32; the default CNN makes 36,000). */
export const MAX_ACTIVATIONS = 250_000;
/** What one training batch may hold in layer outputs, gradients included (about three times the outputs). */
const TRAINING_BYTES = 2 ** 30;

/** Refuses a batch size whose layer outputs (and their gradients) would not fit TRAINING_BYTES. */
export function checkTrainingBatch(values: number, batchSize: number): void {
  const most = Math.floor(TRAINING_BYTES / (12 * values));
  if (batchSize > most) {
    throw new UsageError(
      `train: batches of ${batchSize} images would hold about ${Math.round((12 * values * batchSize) / 2 ** 20)} MB of layer outputs and gradients; ` +
        `neurite-mnist allows ${TRAINING_BYTES / 2 ** 20} MB. Lower --batch-size to ${most} or less.`,
    );
  }
}
/** What one batch of inference may hold in layer outputs: batches for eval and predict are sized to it. */
const INFERENCE_BYTES = 64 * 2 ** 20;

/**
 * Checks that a model fits the MNIST CLI before any image goes through it: input [28, 28, 1], output
 * [null, 10], and layer outputs of bounded size (a 1 MB file can describe a layer that makes 15 GB of
 * activations for 10,000 test images). Returns the values its layers produce per image.
 */
export function checkMnistModel(model: Model, command: string, source: string): number {
  const inputs = model.inputs;
  const input = model.inputShape ?? [];
  if (inputs.length !== 1 || input.length !== 3 || input[0] !== 28 || input[1] !== 28 || input[2] !== 1) {
    throw new UsageError(
      `${command}: ${source} takes inputs of shape ${inputs.map((t) => `[${t.shape.slice(1).join(', ')}]`).join(' and ')}; ` +
        `MNIST images are ${inputs.length === 1 ? '' : 'one input of '}[28, 28, 1]. Use a model made for MNIST.`,
    );
  }
  if (model.outputs.length !== 1) {
    throw new UsageError(
      `${command}: ${source} has ${model.outputs.length} outputs; an MNIST classifier has one, [null, 10].`,
    );
  }
  const shape = model.outputShape;
  const values = valuesPerImage(model);
  if (shape.length !== 2 || shape[1] !== 10) {
    throw new UsageError(
      `${command}: ${source} ends in output shape [${shape.map((d) => d ?? 'null').join(', ')}]; MNIST needs [null, 10], one probability per digit. ` +
        "End it with { className: 'Dense', config: { units: 10, activation: 'softmax' } }.",
    );
  }
  if (values > MAX_ACTIVATIONS) {
    throw new UsageError(
      `${command}: ${source}'s layers produce ${values} values per image; neurite-mnist handles models of up to ${MAX_ACTIVATIONS}. ` +
        'Use fewer filters or units.',
    );
  }
  return values;
}

/** The values every node makes for one image, a nested model's nodes included (each time it is used). */
export function valuesPerImage(model: Model): number {
  let values = 0;
  for (const n of model.nodes) {
    values += n.outputShape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1);
    if (n.layer instanceof ModelLayer) values += valuesPerImage(n.layer.model);
  }
  return values;
}

/** A batch size for inference that keeps a batch's layer outputs near INFERENCE_BYTES. */
export function inferenceBatch(values: number): number {
  return Math.max(1, Math.min(256, Math.floor(INFERENCE_BYTES / (4 * values))));
}

/** Refuses a model whose weights hold NaN or Infinity: its predictions would be noise. */
export async function checkFinite(model: Model, command: string, source: string): Promise<void> {
  for (const w of model.weights) {
    const values = await w.variable.data();
    if (!(values as Float32Array).every(Number.isFinite)) {
      throw new UsageError(`${command}: ${source} has NaN or infinite values in weight '${w.path}'. Train it again.`);
    }
  }
}

/**
 * A trained model for eval, predict and visualize: loaded, checked for MNIST, with its inference batch
 * and the temperature train calibrated it to (1 for a model without one).
 */
export async function loadMnistModel(
  dir: string,
  command: string,
): Promise<{ model: Model; batchSize: number; temperature: number }> {
  const model = await loadModel(dir);
  const values = checkMnistModel(model, command, dir);
  await checkFinite(model, command, dir);
  return { model, batchSize: inferenceBatch(values), temperature: temperatureOf(model, command, dir) };
}
