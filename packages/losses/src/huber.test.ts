import { dispose, zeros } from '@neurite/core';
import { describeBackends } from '@neurite/core/testing';
import { huber } from '@neurite/losses';
import { expect, it } from 'vitest';
import { describeLoss } from '../test/describe_loss.js';

// The definition, for an error e: 0.5 e^2 if |e| <= delta, else delta |e| - 0.5 delta^2.
const h = (e: number, delta = 1) => (Math.abs(e) <= delta ? 0.5 * e * e : delta * Math.abs(e) - 0.5 * delta * delta);

// The kit's errors are under 0.85: delta 1 (the default) keeps them all quadratic, 0.3 reaches both branches.
await describeLoss({
  fn: huber,
  className: 'Huber',
  targets: 'dense',
  reference: (t, p, { delta }) => p.reduce((s, pi, i) => s + h(pi - t[i], delta), 0) / p.length,
  options: [{}, { delta: 0.3 }],
});

await describeBackends('huber', () => {
  it('rejects a bad delta and mismatched shapes with exact messages', () => {
    const a = zeros([2, 2]);
    const b = zeros([2, 3]);
    expect(() => huber(a, a, { delta: -1 })).toThrow('huber: delta must be a positive number. Received: delta=-1.');
    expect(() => huber(a, a, { delta: 0 })).toThrow('huber: delta must be a positive number. Received: delta=0.');
    expect(() => huber(a, a, { delta: '1' as unknown as number })).toThrow(
      "huber: delta must be a positive number. Received: delta='1'.",
    );
    expect(() => huber(a, b)).toThrow(
      'huber: yTrue and yPred must have the same shape. Received: yTrue [2, 2], yPred [2, 3]. ' +
        'Make the model output the shape of the targets.',
    );
    dispose([a, b]);
  });
});
