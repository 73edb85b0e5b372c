import { tensor2d, useBackend } from '@neurite/core';
import { Add, Dense, input } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Add, {
  config: {},
  inputShapes: [
    [2, 3, 4],
    [2, 3, 4],
  ],
});
await describeLayer(Add, {
  config: {},
  inputShapes: [
    [2, 2, 3],
    [2, 2, 3],
    [2, 1, 3],
  ],
  title: 'three inputs, one broadcast',
});

describe('Add by hand', () => {
  it('merges element by element', async () => {
    await useBackend('cpu');
    const y = new Add().apply([tensor2d([[1, -2, 3]]), tensor2d([[4, 5, -6]])]);
    expect(Array.from(await y.data())).toEqual([5, 3, -3]);
    y.dispose();
  });

  it('names the inputs that disagree, in a graph and on tensors', () => {
    const a = new Dense({ units: 4, name: 'left' }).apply(input({ shape: [3] }));
    const b = new Dense({ units: 5, name: 'right' }).apply(input({ shape: [3] }));
    expect(() => new Add({ name: 'join' }).apply([a, b])).toThrow(
      "Add 'join' merges inputs of one shape, but input 0 is [null, 4] and input 1 is [null, 5]: axis 1 is 4 in one and 5 in the other.",
    );
    expect(() => new Add({ name: 'one' }).apply([a])).toThrow("Add 'one' takes 2");
  });
});
