import * as tf from '#tfjs';

// splitmix32: tiny, fast, and good enough to derive seeds and shuffle orders. Every seeded tfjs op
// gets its own seed from this stream, so one setSeed() fixes a whole program's randomness.
let state = (Math.random() * 2 ** 32) >>> 0;

function next32(): number {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Fixes all of Neurite's randomness (initializers, dropout, shuffling, the random ops below).
 * The same seed gives the same numbers on the same backend.
 *
 * @example
 * ```ts
 * import { setSeed, randomNormal, useBackend } from '@neurite/core';
 * await useBackend('cpu');
 * setSeed(42);
 * const a = randomNormal([3]).arraySync();
 * setSeed(42);
 * const b = randomNormal([3]).arraySync();
 * console.log(JSON.stringify(a) === JSON.stringify(b)); // true
 * ```
 */
export function setSeed(seed: number): void {
  if (!Number.isFinite(seed)) {
    throw new TypeError(`setSeed expects a finite number. Received: ${String(seed)}.`);
  }
  state = Math.trunc(seed) >>> 0;
}

/**
 * The position of the global seeded stream, as a uint32: `setSeed(randomState())` later continues the
 * stream exactly where it was, which is how an interrupted training run resumes bit for bit.
 *
 * @example
 * ```ts
 * import { random, randomState, setSeed } from '@neurite/core';
 * setSeed(7);
 * random();
 * const saved = randomState();
 * const next = random();
 * setSeed(saved);
 * console.log(random() === next); // true
 * ```
 */
export function randomState(): number {
  return state >>> 0;
}

/** The next integer seed in [0, 2^31) from the global stream; for ops and code that take a seed. */
export function nextSeed(): number {
  return next32() >>> 1;
}

/**
 * A uniform float in [0, 1) from the global seeded stream: use it instead of Math.random() in code
 * that should follow setSeed().
 *
 * @example
 * ```ts
 * import { setSeed, random } from '@neurite/core';
 * setSeed(1);
 * const x = random();
 * console.log(x >= 0 && x < 1); // true
 * ```
 */
export function random(): number {
  return next32() / 2 ** 32;
}

/** A tensor shape. */
export type Shape = number[];

/** tfjs's randomNormal, seeded from setSeed() when no seed is passed. */
export function randomNormal(
  shape: Shape,
  mean = 0,
  stdDev = 1,
  dtype?: 'float32' | 'int32',
  seed?: number,
): tf.Tensor {
  return tf.randomNormal(shape, mean, stdDev, dtype, seed ?? nextSeed());
}

/** tfjs's randomStandardNormal, seeded from setSeed() when no seed is passed. */
export function randomStandardNormal(shape: Shape, dtype?: 'float32' | 'int32', seed?: number): tf.Tensor {
  return tf.randomStandardNormal(shape, dtype, seed ?? nextSeed());
}

/** tfjs's randomUniform, seeded from setSeed() when no seed is passed. */
export function randomUniform(
  shape: Shape,
  minval = 0,
  maxval = 1,
  dtype: tf.DataType = 'float32',
  seed?: number | string,
): tf.Tensor {
  return tf.randomUniform(shape, minval, maxval, dtype, seed ?? nextSeed());
}

/** tfjs's randomUniformInt, seeded from setSeed() when no seed is passed. */
export function randomUniformInt(shape: Shape, minval: number, maxval: number, seed?: number | string): tf.Tensor {
  return tf.randomUniformInt(shape, minval, maxval, seed ?? nextSeed());
}

/** tfjs's truncatedNormal, seeded from setSeed() when no seed is passed. */
export function truncatedNormal(
  shape: Shape,
  mean = 0,
  stdDev = 1,
  dtype?: 'float32' | 'int32',
  seed?: number,
): tf.Tensor {
  return tf.truncatedNormal(shape, mean, stdDev, dtype, seed ?? nextSeed());
}

/** tfjs's randomGamma, seeded from setSeed() when no seed is passed. */
export function randomGamma(
  shape: Shape,
  alpha: number,
  beta = 1,
  dtype: 'float32' | 'int32' = 'float32',
  seed?: number,
): tf.Tensor {
  return tf.randomGamma(shape, alpha, beta, dtype, seed ?? nextSeed());
}

/** tfjs's multinomial, seeded from setSeed() when no seed is passed. */
export function multinomial(
  logits: tf.Tensor1D | tf.Tensor2D,
  numSamples: number,
  seed?: number,
  normalized = false,
): tf.Tensor {
  return tf.multinomial(logits, numSamples, seed ?? nextSeed(), normalized);
}

/** tfjs's dropout, seeded from setSeed() when no seed is passed. */
export function dropout(x: tf.Tensor, rate: number, noiseShape?: number[], seed?: number | string): tf.Tensor {
  return tf.dropout(x, rate, noiseShape, seed ?? nextSeed());
}
