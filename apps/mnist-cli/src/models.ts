import { Conv2D, Dense, Dropout, Flatten, layerFromConfig, MaxPooling2D } from '@neurite/layers';
import { loadModel, type Sequential, sequential } from '@neurite/model';
import { UsageError } from './errors.js';
import { readJsonFile } from './io.js';

/**
 * The default CNN: the Keras "simple MNIST convnet" (conv 32 -> pool -> conv 64 -> pool -> dropout ->
 * softmax), with a 128-unit hidden layer that gets it past 99% in a few epochs.
 */
export function cnn(): Sequential {
  return sequential(
    [
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], name: 'conv1' }),
      new MaxPooling2D({ name: 'pool1' }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', name: 'conv2' }),
      new MaxPooling2D({ name: 'pool2' }),
      new Flatten({ name: 'flatten' }),
      new Dropout({ rate: 0.5, name: 'dropout' }),
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

/** --model cnn | mlp | <file.json>: a JSON file holds { layers: [{ className, config }, ...] } (e.g. a saved model.json). */
export async function buildModel(spec: string): Promise<Sequential> {
  if (spec === 'cnn') return cnn();
  if (spec === 'mlp') return mlp();
  if (!spec.endsWith('.json')) {
    throw new UsageError(`train: --model must be cnn, mlp or a .json file of layers. Received: --model ${spec}.`);
  }
  const read = await readJsonFile<{ layers?: unknown; name?: unknown }>(spec, { maxBytes: 4 * 2 ** 20 });
  if (!read.ok) {
    throw new UsageError(
      `train: cannot read the model file ${spec}: ${read.reason}. Expected a JSON file of at most 4 MB.`,
    );
  }
  const json = read.value;
  if (json === null || typeof json !== 'object' || !Array.isArray(json.layers) || json.layers.length === 0) {
    throw new UsageError(
      `train: ${spec} has no "layers" list. Expected { "layers": [{ "className": "Dense", "config": { ... } }] }.`,
    );
  }
  const name = typeof json.name === 'string' && json.name !== '' ? json.name.slice(0, 200) : 'mnist_custom';
  if (json.layers.length > MAX_LAYERS) {
    throw new UsageError(
      `train: ${spec} has ${json.layers.length} layers; neurite-mnist trains models of up to ${MAX_LAYERS}.`,
    );
  }
  const layers = json.layers.map((l: unknown, i: number) => {
    const entry = l as { className?: unknown; config?: unknown };
    if (!entry || typeof entry !== 'object' || typeof entry.className !== 'string') {
      throw new UsageError(`train: ${spec} layers[${i}] needs a "className" string. Received: ${JSON.stringify(l)}.`);
    }
    const config = entry.config ?? {};
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new UsageError(
        `train: ${spec} layers[${i}].config must be an object. Received: ${JSON.stringify(config)}.`,
      );
    }
    return layerFromConfig({ className: entry.className, config: config as never });
  });
  const model = sequential(layers, { name, inputShape: [28, 28, 1] });
  // Sizes from the architecture alone, before any weight exists: a file cannot make training allocate gigabytes.
  const params = model.planWeights().reduce((n, { weight }) => n + weight.shape.reduce((a, b) => a * b, 1), 0);
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
export function checkMnistModel(model: Sequential, command: string, source: string): number {
  const input = model.inputShape ?? [];
  if (input.length !== 3 || input[0] !== 28 || input[1] !== 28 || input[2] !== 1) {
    throw new UsageError(
      `${command}: ${source} takes inputs of shape [${input.join(', ')}]; MNIST images are [28, 28, 1]. Use a model made for MNIST.`,
    );
  }
  let shape: (number | null)[] = [null, 28, 28, 1];
  let values = 0;
  for (const l of model.layers) {
    shape = l.computeOutputShape(shape);
    values += shape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1);
  }
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

/** A batch size for inference that keeps a batch's layer outputs near INFERENCE_BYTES. */
export function inferenceBatch(values: number): number {
  return Math.max(1, Math.min(256, Math.floor(INFERENCE_BYTES / (4 * values))));
}

/** Refuses a model whose weights hold NaN or Infinity: its predictions would be noise. */
export async function checkFinite(model: Sequential, command: string, source: string): Promise<void> {
  for (const w of model.weights) {
    const values = await w.variable.data();
    if (!(values as Float32Array).every(Number.isFinite)) {
      throw new UsageError(`${command}: ${source} has NaN or infinite values in weight '${w.path}'. Train it again.`);
    }
  }
}

/** A trained model for eval, predict and visualize: loaded, checked for MNIST, with its inference batch. */
export async function loadMnistModel(dir: string, command: string): Promise<{ model: Sequential; batchSize: number }> {
  const model = await loadModel(dir);
  const values = checkMnistModel(model, command, dir);
  await checkFinite(model, command, dir);
  return { model, batchSize: inferenceBatch(values) };
}
