import { createRng, permutation, randomState, setSeed } from '@neurite/core';
import { describe, expect, it } from 'vitest';

describe('the seeded generator and the permutation', () => {
  it('repeat for a seed, differ between seeds, and leave the global stream alone', () => {
    setSeed(123);
    const before = randomState();
    const a = createRng(5);
    const b = createRng(5);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRng(6).next()).not.toBe(xs[0]);
    expect(randomState()).toBe(before);
    expect(() => createRng(Number.NaN)).toThrow('createRng expects a finite number. Received: NaN.');
  });

  it('permutes every index once, the same way for a seed', () => {
    const p = permutation(1000, 42);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(permutation(1000, 42))).toEqual(Array.from(p));
    expect(Array.from(permutation(1000, 43))).not.toEqual(Array.from(p));
    // Splitmix32's first draws for seed 1, fixed here so that a change to the generator shows: fit's
    // epochs, datasets' shuffles and splits all follow this order.
    expect(Array.from(permutation(6, 1))).toEqual([5, 4, 1, 2, 0, 3]);
    expect(permutation(0, 1).length).toBe(0);
    expect(Array.from(permutation(1, 9))).toEqual([0]);
  });
});
