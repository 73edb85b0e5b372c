import { tensor2d, useBackend } from '@neurite/core';
import { Dense, input, Subtract } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Subtract, {
  config: {},
  inputShapes: [
    [2, 3, 4],
    [2, 3, 4],
  ],
});

describe('Subtract by hand', () => {
  it('merges element by element', async () => {
    await useBackend('cpu');
    const y = new Subtract().apply([tensor2d([[1, -2, 3]]), tensor2d([[4, 5, -6]])]);
    expect(Array.from(await y.data())).toEqual([-3, -7, 9]);
    y.dispose();
  });

  it('names the inputs that disagree, in a graph and on tensors', () => {
    const a = new Dense({ units: 4, name: 'left' }).apply(input({ shape: [3] }));
    const b = new Dense({ units: 5, name: 'right' }).apply(input({ shape: [3] }));
    expect(() => new Subtract({ name: 'join' }).apply([a, b])).toThrow(
      "Subtract 'join' merges inputs of one shape, but input 0 is [null, 4] and input 1 is [null, 5]: axis 1 is 4 in one and 5 in the other.",
    );
    expect(() => new Subtract({ name: 'one' }).apply([a])).toThrow("Subtract 'one' takes 2");
  });
});
