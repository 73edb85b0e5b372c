import { tensor2d, useBackend } from '@neurite/core';
import { Dense, input, Multiply } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Multiply, {
  config: {},
  inputShapes: [
    [2, 3, 4],
    [2, 3, 4],
  ],
});
await describeLayer(Multiply, {
  config: {},
  inputShapes: [
    [2, 3],
    [2, 3],
    [2, 3],
  ],
  title: 'three inputs',
});

describe('Multiply by hand', () => {
  it('merges element by element', async () => {
    await useBackend('cpu');
    const y = new Multiply().apply([tensor2d([[1, -2, 3]]), tensor2d([[4, 5, -6]])]);
    expect(Array.from(await y.data())).toEqual([4, -10, -18]);
    y.dispose();
  });

  it('names the inputs that disagree, in a graph and on tensors', () => {
    const a = new Dense({ units: 4, name: 'left' }).apply(input({ shape: [3] }));
    const b = new Dense({ units: 5, name: 'right' }).apply(input({ shape: [3] }));
    expect(() => new Multiply({ name: 'join' }).apply([a, b])).toThrow(
      "Multiply 'join' merges inputs of one shape, but input 0 is [null, 4] and input 1 is [null, 5]: axis 1 is 4 in one and 5 in the other.",
    );
    expect(() => new Multiply({ name: 'one' }).apply([a])).toThrow("Multiply 'one' takes 2");
  });
});
