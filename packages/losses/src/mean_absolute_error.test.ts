import { dispose, zeros } from '@neurite/core';
import { describeBackends } from '@neurite/core/testing';
import { meanAbsoluteError } from '@neurite/losses';
import { expect, it } from 'vitest';
import { describeLoss } from '../test/describe_loss.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

await describeLoss({
  fn: meanAbsoluteError,
  className: 'MeanAbsoluteError',
  targets: 'dense',
  reference: (t, p) => mean(p.map((pi, i) => Math.abs(pi - t[i]))),
});

await describeBackends('meanAbsoluteError', () => {
  it('rejects mismatched shapes and unknown options with exact messages', () => {
    const a = zeros([3]);
    const b = zeros([3, 1]);
    expect(() => meanAbsoluteError(a, b)).toThrow(
      'meanAbsoluteError: yTrue and yPred must have the same shape. Received: yTrue [3], yPred [3, 1]. ' +
        'Reshape yTrue with yTrue.reshape([3, 1]).',
    );
    expect(() => meanAbsoluteError(a, a, { delta: 1 } as object)).toThrow(
      "meanAbsoluteError: unknown option 'delta'. Expected one of: reduction. Received: delta=1. " +
        'Remove it or use one of those.',
    );
    expect(() => meanAbsoluteError(a, a, 'sum' as unknown as object)).toThrow(
      "meanAbsoluteError: options must be an object. Received: 'sum'.",
    );
    dispose([a, b]);
  });
});
