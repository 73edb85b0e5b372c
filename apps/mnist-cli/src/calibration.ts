// After training, neurite-mnist fits its model's temperature on the held-out images and saves it in
// model.json's metadata with the run's settings (checkpoint.ts); predict, eval and the benchmark apply it.
import { tensor4d } from '@neurite/core';
import type { ImageSplit } from '@neurite/datasets';
import { applyTemperature, calibrationReport, fitTemperature, type Model } from '@neurite/model';

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
): Promise<{ calibration?: Calibration; skipped?: string }> {
  const n = data.train.count;
  const held = Math.floor(n * s.validationSplit);
  if (held < MIN_HELD_OUT) {
    return {
      skipped: `${held} held-out images are too few to fit a temperature on (at least ${MIN_HELD_OUT}); raise --limit or --validation-split`,
    };
  }
  const from = n - held;
  const probs = await probabilitiesOf(model, data.train.images.subarray(from * 784, n * 784), batchSize);
  if (!areProbabilities(probs)) {
    return { skipped: "the model's outputs are not probabilities (its last layer is not a softmax)" };
  }
  const temperature = fitTemperature(probs, data.train.labels.subarray(from, n));
  const test = await probabilitiesOf(model, data.test.images, batchSize);
  const calibration = {
    temperature,
    heldOut: held,
    testEceBefore: calibrationReport(test, data.test.labels).ece,
    testEce: calibrationReport(applyTemperature(test, temperature), data.test.labels).ece,
  };
  // A fit that makes the test images' calibration worse is not kept.
  if (calibration.testEce > calibration.testEceBefore) {
    return {
      skipped: `the temperature fitted on the held-out images (${temperature.toFixed(3)}) made the test images' calibration worse (${calibration.testEceBefore.toFixed(3)} -> ${calibration.testEce.toFixed(3)})`,
    };
  }
  return { calibration };
}

/** The fewest held-out images train fits a temperature on. */
export const MIN_HELD_OUT = 500;

/** Whether rows of 10 values are probabilities: each in [0, 1], each row summing to 1. */
export function areProbabilities(probs: Float32Array, classes = 10): boolean {
  for (let i = 0; i < probs.length; i += classes) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const p = probs[i + c];
      if (!(p >= 0 && p <= 1)) return false;
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}
