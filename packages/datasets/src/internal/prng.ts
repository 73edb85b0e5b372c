import { NeuriteError } from '@neurite/core';

// The data pipeline's seeded generator and shuffle are core's (createRng, permutation): shuffles, toy
// data and augmentation repeat for a seed on every machine and backend, and leave core's global stream
// (setSeed) alone. One generator and one permutation in the library: one seed gives one order.
export { createRng, permutation, type Rng } from '@neurite/core';

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
