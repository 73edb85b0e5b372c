import { NeuriteError } from '@neurite/core';

// A small seeded generator for the data pipeline: shuffles, toy data and augmentation must repeat for a
// seed on every machine and backend, and must not disturb core's global stream (setSeed) as a side effect.

/** A seeded stream of numbers: `next()` is uniform in [0, 1), `int(n)` uniform in [0, n). */
export interface Rng {
  next(): number;
  int(n: number): number;
  uniform(low: number, high: number): number;
}

/** splitmix32 seeded with `seed` (any finite number; its integer part modulo 2^32 is used). */
export function createRng(seed: number): Rng {
  let state = Math.trunc(seed) >>> 0;
  const next32 = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const next = (): number => next32() / 2 ** 32;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    uniform: (low, high) => low + (high - low) * next(),
  };
}

/** A seeded Fisher-Yates permutation of [0, n). */
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

/** Checks a seed the way every public function that takes one does. */
export function checkSeed(where: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new NeuriteError(
      `${where}: seed must be a finite number. Received: ${String(seed)}. Pass a number, e.g. { seed: 0 }.`,
    );
  }
  return seed;
}

/** 47040000 -> '47,040,000', for messages. */
export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
