import { readFileSync } from 'node:fs';
import { Conv2D, Dense, Dropout, Flatten, layerFromConfig, MaxPooling2D } from '@neurite/layers';
import { type Sequential, sequential } from '@neurite/model';
import { UsageError } from './errors.js';

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

/** --model cnn | mlp | <file.json>: a JSON file holds { layers: [{ className, config }, ...] } (e.g. a saved model.json). */
export function buildModel(spec: string): Sequential {
  if (spec === 'cnn') return cnn();
  if (spec === 'mlp') return mlp();
  if (!spec.endsWith('.json')) {
    throw new UsageError(`train: --model must be cnn, mlp or a .json file of layers. Received: --model ${spec}.`);
  }
  let json: { layers?: { className: string; config: Record<string, unknown> }[]; name?: string };
  try {
    json = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (e) {
    throw new UsageError(`train: cannot read the model file ${spec}: ${(e as Error).message}`);
  }
  if (!Array.isArray(json.layers) || json.layers.length === 0) {
    throw new UsageError(
      `train: ${spec} has no "layers" list. Expected { "layers": [{ "className": "Dense", "config": { ... } }] }.`,
    );
  }
  const layers = json.layers.map((l) => layerFromConfig(l));
  const model = sequential(layers, { name: json.name ?? 'mnist_custom', inputShape: [28, 28, 1] });
  return model;
}
