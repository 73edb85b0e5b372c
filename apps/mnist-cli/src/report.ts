import { type Tensor, tensor4d } from '@neurite/core';
import type { ImageSplit } from '@neurite/datasets';
import { applyTemperature, confusionMatrix, type History, type Model } from '@neurite/model';
import type { ActivationReport } from '@neurite/viz/node';

export interface ReportOptions {
  colormap?: 'grey' | 'viridis' | 'diverging';
  normalize?: 'channel' | 'layer';
  history?: History;
  /** Test images for the confusion matrix and the gallery of mistakes. */
  test?: ImageSplit;
  title?: string;
  /** Images a batch when predicting the test set (see inferenceBatch). Default 256. */
  batchSize?: number;
  /** Class names (Fashion-MNIST's); default the digits. */
  labels?: string[];
  /** The model's temperature (temperatureOf): the prediction's probabilities are calibrated with it. Default 1. */
  temperature?: number;
}

/** Every node's output for one input, read to plain numbers (the tensors are freed as they are read). */
export async function activationValues(model: Model, x: Tensor): Promise<ActivationReport['layers']> {
  const layers: ActivationReport['layers'] = [];
  for (const a of model.activations(x)) {
    layers.push({
      name: a.name,
      className: a.className,
      shape: a.shape,
      inputs: a.inputs,
      values: new Float32Array(await a.output.data()),
    });
    a.output.dispose();
  }
  return layers;
}

/** Everything the activation report shows, for one input digit (784 values in [0, 1]). */
export async function buildReport(
  model: Model,
  input: Float32Array,
  o: ReportOptions = {},
): Promise<ActivationReport & { prediction: NonNullable<ActivationReport['prediction']> }> {
  const x = tensor4d(input, [1, 28, 28, 1]);
  const layers = await activationValues(model, x);
  x.dispose();
  // The output layer's own values stay in `layers`; the prediction is calibrated, as predict's is.
  const probabilities = Array.from(applyTemperature(layers[layers.length - 1].values, o.temperature ?? 1));
  const digit = probabilities.indexOf(Math.max(...probabilities));
  const report: ActivationReport & { prediction: NonNullable<ActivationReport['prediction']> } = {
    title: o.title ?? `What ${model.name} sees`,
    summary: model.summary({ print: false }),
    input: { values: input, shape: [28, 28] },
    layers,
    prediction: { digit, probabilities },
    options: { colormap: o.colormap, normalize: o.normalize, ...(o.labels ? { labels: o.labels } : {}) },
  };
  if (o.history && o.history.epoch.length > 0) report.history = o.history;
  if (o.test) {
    const { x: tx } = o.test.toTensors({ oneHot: false });
    const probs: Tensor = model.predict(tx, { batchSize: o.batchSize ?? 256 });
    const predicted = Array.from(await probs.argMax(-1).data());
    probs.dispose();
    tx.dispose();
    const labels = Array.from(o.test.labels);
    report.confusionMatrix = confusionMatrix(labels, predicted, 10);
    report.misclassified = [];
    for (let i = 0; i < labels.length && report.misclassified.length < 24; i++) {
      if (predicted[i] !== labels[i]) {
        report.misclassified.push({
          values: o.test.images.slice(i * 784, (i + 1) * 784),
          label: labels[i],
          predicted: predicted[i],
        });
      }
    }
  }
  return report;
}
