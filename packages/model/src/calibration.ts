// Probabilities that mean what they say: temperature scaling (one number per model, fitted on held-out
// data after training) and the expected calibration error that measures it.
//
// A softmax over logits z divided by T is the same as raising each probability to 1 / T and normalising,
// so the temperature applies to a model's probabilities as they come out of its softmax. T < 1 sharpens
// (label smoothing trains a model to say 90% where it is right 98% of the time); T > 1 softens.
import { NeuriteError } from '@neurite/core';

/** The temperatures fitTemperature() chooses from. */
export const MIN_TEMPERATURE = 0.05;
export const MAX_TEMPERATURE = 20;

function checkClasses(where: string, classes: number): void {
  if (!(Number.isInteger(classes) && classes >= 1)) {
    throw new NeuriteError(
      `${where}: classes must be an integer >= 1 (the probabilities in a row). Received: ${classes}.`,
    );
  }
}

const logOf = (p: number): number => Math.log(Math.max(p, 1e-30));

/**
 * Mean negative log-likelihood of the labels under probabilities (rows of `classes`, as a softmax gives
 * them) at temperature t.
 *
 * @example
 * ```ts
 * import { negativeLogLikelihood } from '@neurite/model';
 * // Two answers: 0.8 on the right class, then 0.5 on it.
 * const probs = Float32Array.from([0.8, 0.2, 0.5, 0.5]);
 * console.log(negativeLogLikelihood(probs, [0, 1], 2).toFixed(4)); // 0.4581
 * ```
 */
export function negativeLogLikelihood(probs: Float32Array, labels: ArrayLike<number>, classes: number, t = 1): number {
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
 * Temperature scaling: the temperature T that makes held-out data most likely, so that applyTemperature()
 * turns a model's probabilities into ones that mean what they say (of the answers given with 90%, about
 * 90% right). Fit it on data the model did not train on. The loss is convex in 1 / T, so a
 * golden-section search over 1 / T in [1 / MAX_TEMPERATURE, 1 / MIN_TEMPERATURE] finds it.
 *
 * @example
 * ```ts
 * import { fitTemperature } from '@neurite/model';
 * // A model that says 0.6 and is right 3 times in 4: too modest, so T < 1 sharpens it.
 * const probs = Float32Array.from([0.6, 0.4, 0.6, 0.4, 0.6, 0.4, 0.6, 0.4]);
 * console.log(fitTemperature(probs, [0, 0, 0, 1], 2) < 1); // true
 * ```
 */
export function fitTemperature(probs: Float32Array, labels: ArrayLike<number>, classes = 10): number {
  checkClasses('fitTemperature', classes);
  if (labels.length === 0 || probs.length !== labels.length * classes) {
    throw new NeuriteError(
      `fitTemperature: expected ${labels.length} x ${classes} probabilities (one row of ${classes} per label); received ${probs.length}. ` +
        'Pass the classes per row as the third argument.',
    );
  }
  for (let i = 0; i < labels.length; i++) {
    if (!(Number.isInteger(labels[i]) && labels[i] >= 0 && labels[i] < classes)) {
      throw new NeuriteError(`fitTemperature: labels must be integers in [0, ${classes}); label ${i} is ${labels[i]}.`);
    }
  }
  const f = (beta: number) => negativeLogLikelihood(probs, labels, classes, 1 / beta);
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

/**
 * Probabilities (rows of `classes`) at temperature t: each raised to 1 / t, each row then summing to 1,
 * the same as dividing the logits under the softmax by t. The top class of a row never changes. A new array.
 *
 * @example
 * ```ts
 * import { applyTemperature } from '@neurite/model';
 * const sharper = applyTemperature(Float32Array.from([0.6, 0.4]), 0.5, 2);
 * console.log(sharper[0].toFixed(3)); // 0.692
 * ```
 */
export function applyTemperature(probs: Float32Array, t: number, classes = 10): Float32Array {
  checkClasses('applyTemperature', classes);
  if (!(t >= MIN_TEMPERATURE && t <= MAX_TEMPERATURE) || probs.length % classes !== 0) {
    throw new NeuriteError(
      `applyTemperature: expected rows of ${classes} probabilities and a temperature in [${MIN_TEMPERATURE}, ${MAX_TEMPERATURE}]; ` +
        `received ${probs.length} values and ${t}.`,
    );
  }
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

/**
 * Expected calibration error: the answers sorted into 15 equal-width bins by their confidence (the top
 * probability), and per bin the gap between mean confidence and accuracy, weighted by the bin's share.
 * 0 is calibrated; 0.1 means confidence is off by 10 points on average.
 *
 * @example
 * ```ts
 * import { expectedCalibrationError } from '@neurite/model';
 * // Four answers given with 0.9, three of them right: off by 0.15.
 * console.log(expectedCalibrationError([0.9, 0.9, 0.9, 0.9], [true, true, true, false]).toFixed(2)); // 0.15
 * ```
 */
export function expectedCalibrationError(confidence: ArrayLike<number>, correct: ArrayLike<boolean>): number {
  if (confidence.length !== correct.length) {
    throw new NeuriteError(
      `expectedCalibrationError: expected one answer per confidence; received ${confidence.length} confidences and ${correct.length} answers.`,
    );
  }
  const bins = Array.from({ length: 15 }, () => ({ n: 0, conf: 0, acc: 0 }));
  for (let i = 0; i < confidence.length; i++) {
    if (!(confidence[i] >= 0 && confidence[i] <= 1)) {
      throw new NeuriteError(
        `expectedCalibrationError: confidences must be probabilities in [0, 1]; confidence ${i} is ${confidence[i]}. ` +
          'Pass the top probability of a softmax, not a logit.',
      );
    }
    const b = bins[Math.min(14, Math.floor(confidence[i] * 15))];
    b.n++;
    b.conf += confidence[i];
    b.acc += correct[i] ? 1 : 0;
  }
  return bins.reduce((e, b) => e + (b.n ? (b.n / confidence.length) * Math.abs(b.conf / b.n - b.acc / b.n) : 0), 0);
}

/** Accuracy, expected calibration error and negative log-likelihood of probabilities (rows of `classes`) against labels. */
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
    nll: negativeLogLikelihood(probs, labels, classes),
  };
}
