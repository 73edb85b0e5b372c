import * as tf from '#tfjs';

// splitmix32: tiny, fast, and good enough to derive seeds and shuffle orders. Every seeded tfjs op
// gets its own seed from this stream, so one setSeed() fixes a whole program's randomness.
let state = (Math.random() * 2 ** 32) >>> 0;

/** splitmix32's output for a state (the state advances by 0x9e3779b9 before each call). */
function mix(x: number): number {
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function next32(): number {
  state = (state + 0x9e3779b9) | 0;
  return mix(state);
}

/** A seeded stream of numbers of its own: `next()` is uniform in [0, 1), `int(n)` in [0, n). */
export interface Rng {
  next(): number;
  int(n: number): number;
  uniform(low: number, high: number): number;
}

/**
 * A seeded generator (splitmix32, as the global stream) that leaves the global stream alone: for data
 * pipelines, shuffles and toy data that must repeat for a seed without moving setSeed()'s stream.
 * The seed's integer part modulo 2^32 is used.
 *
 * @example
 * ```ts
 * import { createRng } from '@neurite/core';
 * const a = createRng(7);
 * const b = createRng(7);
 * console.log(a.int(100) === b.int(100), a.next() < 1); // true true
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new TypeError(`createRng expects a finite number. Received: ${String(seed)}.`);
  let s = Math.trunc(seed) >>> 0;
  const next = (): number => {
    s = (s + 0x9e3779b9) | 0;
    return mix(s) / 2 ** 32;
  };
  return { next, int: (n) => Math.floor(next() * n), uniform: (low, high) => low + (high - low) * next() };
}

/**
 * A seeded Fisher-Yates permutation of [0, n): the one shuffle order of the library (fit's epochs,
 * datasets' shuffle and splits), the same for a seed on every machine and backend.
 *
 * @example
 * ```ts
 * import { permutation } from '@neurite/core';
 * console.log(Array.from(permutation(5, 1)).sort()); // [ 0, 1, 2, 3, 4 ]
 * ```
 */
export function permutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = createRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
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
