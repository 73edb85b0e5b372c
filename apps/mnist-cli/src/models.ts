import { basename, dirname } from 'node:path';
import { Conv2D, Dense, Dropout, Flatten, layerFromConfig, MaxPooling2D } from '@neurite/layers';
import { type Sequential, sequential } from '@neurite/model';
import { UsageError } from './errors.js';
import { readJson } from './io.js';

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

/** The largest model --model may describe: 25 million parameters (100 MB of float32 weights). */
export const MAX_PARAMS = 25_000_000;

/** --model cnn | mlp | <file.json>: a JSON file holds { layers: [{ className, config }, ...] } (e.g. a saved model.json). */
export async function buildModel(spec: string): Promise<Sequential> {
  if (spec === 'cnn') return cnn();
  if (spec === 'mlp') return mlp();
  if (!spec.endsWith('.json')) {
    throw new UsageError(`train: --model must be cnn, mlp or a .json file of layers. Received: --model ${spec}.`);
  }
  const json = await readJson<{ layers?: unknown; name?: unknown }>(dirname(spec), basename(spec), 4 * 2 ** 20);
  if (json === undefined) {
    throw new UsageError(
      `train: cannot read the model file ${spec}: expected a JSON file of at most 4 MB. Check the path and the file.`,
    );
  }
  if (json === null || typeof json !== 'object' || !Array.isArray(json.layers) || json.layers.length === 0) {
    throw new UsageError(
      `train: ${spec} has no "layers" list. Expected { "layers": [{ "className": "Dense", "config": { ... } }] }.`,
    );
  }
  const name = typeof json.name === 'string' && json.name !== '' ? json.name.slice(0, 200) : 'mnist_custom';
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
  const output = model.layers.reduce((shape, l) => l.computeOutputShape(shape), [null, 28, 28, 1] as (number | null)[]);
  if (output.length !== 2 || output[1] !== 10) {
    throw new UsageError(
      `train: ${spec} ends in output shape [${output.map((d) => d ?? 'null').join(', ')}]; MNIST needs [null, 10], one probability per digit. ` +
        "End it with { className: 'Dense', config: { units: 10, activation: 'softmax' } }.",
    );
  }
  return model;
}
