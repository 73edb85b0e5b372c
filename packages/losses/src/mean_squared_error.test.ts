import { dispose, scalar, type Tensor, zeros } from '@neurite/core';
import { describeBackends } from '@neurite/core/testing';
import { meanSquaredError } from '@neurite/losses';
import { expect, it } from 'vitest';
import { describeLoss } from '../test/describe_loss.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

await describeLoss({
  fn: meanSquaredError,
  className: 'MeanSquaredError',
  targets: 'dense',
  reference: (t, p) => mean(p.map((pi, i) => (pi - t[i]) ** 2)),
});

await describeBackends('meanSquaredError', () => {
  it('rejects mismatched shapes and bad options with exact messages', () => {
    const a = zeros([2, 3]);
    const b = zeros([3, 2]);
    const c = zeros([2, 1]);
    const s = scalar(1);
    expect(() => meanSquaredError(a, b)).toThrow(
      'meanSquaredError: yTrue and yPred must have the same shape. Received: yTrue [2, 3], yPred [3, 2]. ' +
        'Reshape yTrue with yTrue.reshape([3, 2]).',
    );
    expect(() => meanSquaredError(c, a)).toThrow(
      'meanSquaredError: yTrue and yPred must have the same shape. Received: yTrue [2, 1], yPred [2, 3]. ' +
        'Make the model output the shape of the targets.',
    );
    expect(() => meanSquaredError(s, s)).toThrow(
      'meanSquaredError: yTrue and yPred must have at least one dimension (the last one is averaged or summed per ' +
        'sample). Received: yTrue [], yPred []. Reshape scalars to [1].',
    );
    expect(() => meanSquaredError(a, a, { reduction: 'sum_over_batch_size' as 'mean' })).toThrow(
      "meanSquaredError: reduction must be one of 'mean', 'sum', 'none'. Received: reduction='sum_over_batch_size'.",
    );
    expect(() => meanSquaredError(a, null as unknown as Tensor)).toThrow(
      'meanSquaredError: yPred must be a Tensor. Received: null. Wrap plain numbers with tensor() from @neurite/core.',
    );
    dispose([a, b, c, s]);
  });
});
