// Probabilities that mean what they say: temperature scaling (one number per model, fitted on the
// held-out images after training, saved in model.json's metadata with the run's settings).
//
// A softmax over logits z divided by T is the same as raising each probability to 1 / T and normalising,
// so the temperature applies to a model's probabilities as they come out of its softmax. T < 1 sharpens
// (label smoothing trains a model to say 90% where it is right 98% of the time); T > 1 softens.
import { tensor4d } from '@neurite/core';
import type { ImageSplit } from '@neurite/datasets';
import type { Model } from '@neurite/model';

/** The temperatures fitTemperature() may choose, and a loaded model may carry. */
export const MIN_TEMPERATURE = 0.05;
export const MAX_TEMPERATURE = 20;

const logOf = (p: number): number => Math.log(Math.max(p, 1e-30));

/** Mean negative log-likelihood of the labels under probs (rows of `classes`) at temperature t. */
export function nllAt(probs: Float32Array, labels: ArrayLike<number>, classes: number, t: number): number {
  const beta = 1 / t;
  let total = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    let top = -Infinity;
    for (let c = 0; c < classes; c++) top = Math.max(top, beta * logOf(probs[i * classes + c]));
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(beta * logOf(probs[i * classes + c]) - top);
    total += top + Math.log(sum) - beta * logOf(probs[i * classes + labels[i]]);
  }
  return total / n;
}

/**
 * The temperature that minimises the held-out images' negative log-likelihood. The loss is convex in
 * 1 / T, so a golden-section search over 1 / T in [1 / MAX_TEMPERATURE, 1 / MIN_TEMPERATURE] finds it.
 */
export function fitTemperature(probs: Float32Array, labels: ArrayLike<number>, classes = 10): number {
  if (labels.length === 0 || probs.length !== labels.length * classes) {
    throw new Error(`fitTemperature: expected ${labels.length} x ${classes} probabilities; received ${probs.length}.`);
  }
  const f = (beta: number) => nllAt(probs, labels, classes, 1 / beta);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = 1 / MAX_TEMPERATURE;
  let b = 1 / MIN_TEMPERATURE;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > 1e-4) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return 1 / ((a + b) / 2);
}

/** Probabilities (rows of `classes`) at temperature t: each raised to 1 / t, each row summing to 1. A new array. */
export function applyTemperature(probs: Float32Array, t: number, classes = 10): Float32Array {
  const out = new Float32Array(probs.length);
  if (t === 1) {
    out.set(probs);
    return out;
  }
  const beta = 1 / t;
  for (let i = 0; i < probs.length; i += classes) {
    let top = -Infinity;
    for (let c = 0; c < classes; c++) top = Math.max(top, beta * logOf(probs[i + c]));
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      out[i + c] = Math.exp(beta * logOf(probs[i + c]) - top);
      sum += out[i + c];
    }
    for (let c = 0; c < classes; c++) out[i + c] /= sum;
  }
  return out;
}

/** Expected calibration error: over 15 equal-width bins of the top probability, the gap between confidence and accuracy, weighted by the bin's share. */
export function expectedCalibrationError(confidence: ArrayLike<number>, correct: ArrayLike<boolean>): number {
  const bins = Array.from({ length: 15 }, () => ({ n: 0, conf: 0, acc: 0 }));
  for (let i = 0; i < confidence.length; i++) {
    const b = bins[Math.min(14, Math.floor(confidence[i] * 15))];
    b.n++;
    b.conf += confidence[i];
    b.acc += correct[i] ? 1 : 0;
  }
  return bins.reduce((e, b) => e + (b.n ? (b.n / confidence.length) * Math.abs(b.conf / b.n - b.acc / b.n) : 0), 0);
}

/** The top class and its probability per row, and the ECE of those against labels. */
export function calibrationReport(
  probs: Float32Array,
  labels: ArrayLike<number>,
  classes = 10,
): { accuracy: number; ece: number; nll: number } {
  const confidence = new Float32Array(labels.length);
  const correct: boolean[] = [];
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
    confidence[i] = probs[i * classes + best];
    correct.push(best === labels[i]);
  }
  return {
    accuracy: correct.filter(Boolean).length / labels.length,
    ece: expectedCalibrationError(confidence, correct),
    nll: nllAt(probs, labels, classes, 1),
  };
}

/** What train saves with a model (model.json metadata['neurite-mnist'].calibration) and in test.json. */
export interface Calibration {
  /** The temperature predict applies to the model's probabilities. */
  temperature: number;
  /** The held-out training images it was fitted on. */
  heldOut: number;
  /** Expected calibration error on the test images, before and after. */
  testEceBefore: number;
  testEce: number;
}

/** A model's probabilities for images (n x 28 x 28 pixels in [0, 1]), in batches. */
async function probabilitiesOf(model: Model, images: Float32Array, batchSize: number): Promise<Float32Array> {
  const n = images.length / 784;
  const x = tensor4d(images, [n, 28, 28, 1]);
  try {
    const y = model.predict(x, { batchSize });
    try {
      return (await y.data()) as Float32Array;
    } finally {
      y.dispose();
    }
  } finally {
    x.dispose();
  }
}

/**
 * Fits a trained model's temperature on the held-out part of its training images (the last
 * floor(n * validationSplit), as training held them out) and measures the test images' calibration error
 * before and after. Undefined when nothing is held out.
 */
export async function calibrate(
  model: Model,
  data: { train: ImageSplit; test: ImageSplit },
  s: { validationSplit: number },
  batchSize: number,
): Promise<Calibration | undefined> {
  const n = data.train.count;
  const held = Math.floor(n * s.validationSplit);
  if (held < 1) return undefined;
  const from = n - held;
  const probs = await probabilitiesOf(model, data.train.images.subarray(from * 784, n * 784), batchSize);
  const temperature = fitTemperature(probs, data.train.labels.subarray(from, n));
  const test = await probabilitiesOf(model, data.test.images, batchSize);
  return {
    temperature,
    heldOut: held,
    testEceBefore: calibrationReport(test, data.test.labels).ece,
    testEce: calibrationReport(applyTemperature(test, temperature), data.test.labels).ece,
  };
}
