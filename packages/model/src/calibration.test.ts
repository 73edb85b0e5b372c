// Temperature scaling: fitting recovers a known temperature, applying it keeps rows summing to 1, and
// the expected calibration error is the binned gap between confidence and accuracy.
import { describe, expect, it } from 'vitest';
import {
  applyTemperature,
  calibrationReport,
  expectedCalibrationError,
  fitTemperature,
  negativeLogLikelihood,
} from './calibration.js';

/** A seeded stream of numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * n cases whose labels are drawn from softmax(z), reported by a model as softmax(z / t): the model is
 * off by exactly the temperature t, so fitting must find about t.
 */
function miscalibrated(n: number, t: number, seed: number) {
  const r = rng(seed);
  const probs = new Float32Array(n * 10);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: 10 }, () => 4 * r());
    z[i % 10] += 3;
    const e = z.map(Math.exp);
    const sum = e.reduce((a, b) => a + b, 0);
    let u = r() * sum;
    let label = 0;
    while (label < 9 && u > e[label]) u -= e[label++];
    labels[i] = label;
    const seen = z.map((v) => Math.exp(v / t));
    const total = seen.reduce((a, b) => a + b, 0);
    for (let c = 0; c < 10; c++) probs[i * 10 + c] = seen[c] / total;
  }
  return { probs, labels };
}

describe('temperature scaling', () => {
  it('recovers the temperature a model is off by, sharpening or softening', () => {
    for (const t of [0.5, 2]) {
      const { probs, labels } = miscalibrated(4000, t, 7);
      // The model saw z / t; undoing it takes temperature 1 / t.
      expect(fitTemperature(probs, labels)).toBeCloseTo(1 / t, 1);
      const fitted = fitTemperature(probs, labels);
      expect(negativeLogLikelihood(probs, labels, 10, fitted)).toBeLessThan(
        negativeLogLikelihood(probs, labels, 10, 1),
      );
    }
  });

  it('lowers the expected calibration error of a miscalibrated model', () => {
    const { probs, labels } = miscalibrated(4000, 0.5, 11);
    const before = calibrationReport(probs, labels);
    const after = calibrationReport(applyTemperature(probs, fitTemperature(probs, labels)), labels);
    expect(after.ece).toBeLessThan(before.ece / 2);
    // A temperature only rescales: every row's top class stays, so accuracy does not move.
    expect(after.accuracy).toBe(before.accuracy);
  });

  it('keeps rows summing to 1, leaves them as they are at temperature 1, and copes with zeros', () => {
    const probs = Float32Array.from([0.7, 0.2, 0.1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(applyTemperature(probs, 1))).toEqual(Array.from(probs));
    for (const t of [0.1, 0.5, 3]) {
      const out = applyTemperature(probs, t);
      for (let i = 0; i < 2; i++)
        expect(out.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(out.every(Number.isFinite)).toBe(true);
    }
    // Sharper below 1, softer above.
    expect(applyTemperature(probs, 0.5)[0]).toBeGreaterThan(0.7);
    expect(applyTemperature(probs, 2)[0]).toBeLessThan(0.7);
  });

  it('measures the calibration error as the binned gap between confidence and accuracy', () => {
    // Ten answers given with 0.95, of which 5 are right: a gap of 0.45 over all of them.
    expect(expectedCalibrationError(new Array(10).fill(0.95), [1, 1, 1, 1, 1, 0, 0, 0, 0, 0].map(Boolean))).toBeCloseTo(
      0.45,
      6,
    );
    // Half said with 0.5 and half right, half with 1.0 and all right: calibrated.
    expect(expectedCalibrationError([0.5, 0.5, 1, 1], [true, false, true, true])).toBeCloseTo(0, 6);
  });

  it('refuses probabilities that do not match the labels, labels out of range, and a bad temperature', () => {
    expect(() => fitTemperature(new Float32Array(20), Uint8Array.from([1, 10]))).toThrow(
      'fitTemperature: labels must be integers in [0, 10); label 1 is 10.',
    );
    expect(() => applyTemperature(new Float32Array(10), 0)).toThrow(
      'a temperature in [0.05, 20]; received 10 values and 0',
    );
    expect(() => applyTemperature(new Float32Array(15), 1)).toThrow('expected rows of 10 probabilities');
    // A class count that would loop forever or slice rows wrongly, and logits passed as confidences.
    expect(() => applyTemperature(Float32Array.of(0.3, 0.7), 0.5, -1)).toThrow(
      'applyTemperature: classes must be an integer >= 1 (the probabilities in a row). Received: -1.',
    );
    expect(() => fitTemperature(new Float32Array(3), [0, 0], 1.5)).toThrow(
      'fitTemperature: classes must be an integer',
    );
    expect(() => expectedCalibrationError([Number.NaN], [true])).toThrow(
      'expectedCalibrationError: confidences must be probabilities in [0, 1]; confidence 0 is NaN.',
    );
    expect(() => expectedCalibrationError([-500], [true])).toThrow('not a logit');
    expect(() => expectedCalibrationError([0.5, 0.5], [true])).toThrow('received 2 confidences and 1 answers');
    expect(() => fitTemperature(new Float32Array(15), new Uint8Array(2))).toThrow(
      'fitTemperature: expected 2 x 10 probabilities',
    );
  });
});
