import { dispose, grad, type Tensor, tensor1d, tensor2d, zeros } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { categoricalCrossentropy, sparseCategoricalCrossentropy } from '@neurite/losses';
import { expect, it } from 'vitest';
import { describeLoss } from '../test/describe_loss.js';

async function read(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

const lo = Math.fround(1e-7);
const hi = Math.fround(1 - 1e-7);
const lse = (xs: number[]) => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0));

// -log p[label] of one sample, p rescaled to sum to 1 and clipped, or log-softmax for logits.
await describeLoss({
  fn: sparseCategoricalCrossentropy,
  className: 'SparseCategoricalCrossentropy',
  targets: 'sparse',
  reference: ([label], x, { fromLogits }) => {
    const total = x.reduce((a, b) => a + b, 0);
    return fromLogits ? lse(x) - x[label] : -Math.log(Math.min(hi, Math.max(lo, x[label] / total)));
  },
  options: [{}, { fromLogits: true }],
});

await describeBackends('sparseCategoricalCrossentropy', (backend) => {
  it('takes labels of shape [batch, 1] and of any dtype', async () => {
    const yPred = tensor2d([
      [0.1, 0.9],
      [0.7, 0.3],
    ]);
    const column = tensor2d([[1], [0]], [2, 1], 'int32');
    const floats = tensor1d([1, 0], 'float32');
    const expected = [-Math.log(0.9), -Math.log(0.7)];
    for (const labels of [column, floats]) {
      expectClose(await read(sparseCategoricalCrossentropy(labels, yPred, { reduction: 'none' })), expected, backend);
    }
    dispose([yPred, column, floats]);
  });

  it('equals categoricalCrossentropy on one-hot targets, from logits too', async () => {
    const labels = tensor1d([2, 0], 'int32');
    const oneHot = tensor2d([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    const logits = tensor2d([
      [1, 2, 3],
      [0.5, -1, 0],
    ]);
    const sparse = await read(sparseCategoricalCrossentropy(labels, logits, { fromLogits: true, reduction: 'none' }));
    // -(x_label - log sum exp x) per sample.
    const lse = (xs: number[]) => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0));
    expectClose(sparse, [-(3 - lse([1, 2, 3])), -(0.5 - lse([0.5, -1, 0]))], backend);
    const dense = await read(categoricalCrossentropy(oneHot, logits, { fromLogits: true, reduction: 'none' }));
    expectClose(sparse, dense, backend);
    dispose([labels, oneHot, logits]);
  });

  it('gives 0 for a label outside [0, numClasses), as documented', async () => {
    const labels = tensor1d([5, 1], 'int32');
    const yPred = tensor2d([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    expectClose(
      await read(sparseCategoricalCrossentropy(labels, yPred, { reduction: 'none' })),
      [0, Math.log(2)],
      backend,
    );
    dispose([labels, yPred]);
  });

  it('is finite, with a finite gradient, at p exactly 0 and 1 and at logits +-100', async () => {
    const labels = tensor1d([1, 0], 'int32');
    const yPred = tensor2d([
      [0, 1],
      [0, 1],
    ]);
    expectClose(
      await read(sparseCategoricalCrossentropy(labels, yPred, { reduction: 'none' })),
      [-Math.log(hi), -Math.log(lo)],
      backend,
    );
    const g = await read(grad((p: Tensor) => sparseCategoricalCrossentropy(labels, p))(yPred));
    expect(g.every(Number.isFinite)).toBe(true);
    const logits = tensor2d([
      [100, -100],
      [100, -100],
    ]);
    // Per sample: -(-100 - log(e^100 + e^-100)) = 200, and ~0; gradient (softmax(x) - onehot) / 2.
    const loss = sparseCategoricalCrossentropy(labels, logits, { fromLogits: true, reduction: 'none' });
    expectClose(await read(loss), [200, 0], backend);
    const gl = await read(grad((x: Tensor) => sparseCategoricalCrossentropy(labels, x, { fromLogits: true }))(logits));
    expectClose(gl, [(1 - 0) / 2, (0 - 1) / 2, (1 - 1) / 2, (0 - 0) / 2], backend);
    dispose([labels, yPred, logits]);
  });

  it('rejects labels of the wrong shape with exact messages', () => {
    const probs = zeros([4, 3]);
    const oneHot = zeros([4, 3]);
    const grid = zeros([2, 2]);
    const short = zeros([3]);
    const pair = zeros([2]);
    expect(() => sparseCategoricalCrossentropy(oneHot, probs)).toThrow(
      'sparseCategoricalCrossentropy: yTrue must hold one class index per sample. Expected: yTrue [4] or [4, 1] ' +
        'for yPred [4, 3]. Received: yTrue [4, 3]. For one-hot targets, use categoricalCrossentropy.',
    );
    expect(() => sparseCategoricalCrossentropy(grid, probs)).toThrow(
      'sparseCategoricalCrossentropy: yTrue must hold one class index per sample. Expected: yTrue [4] or [4, 1] ' +
        'for yPred [4, 3]. Received: yTrue [2, 2]. Reshape yTrue with yTrue.reshape([4]).',
    );
    expect(() => sparseCategoricalCrossentropy(short, probs)).toThrow(
      'sparseCategoricalCrossentropy: yTrue must hold one class index per sample. Expected: yTrue [4] or [4, 1] ' +
        'for yPred [4, 3]. Received: yTrue [3]. Pass one class index in [0, 3) per sample.',
    );
    expect(() => sparseCategoricalCrossentropy(pair, grid, { labelSmoothing: 0.1 } as object)).toThrow(
      "sparseCategoricalCrossentropy: unknown option 'labelSmoothing'. Expected one of: fromLogits, reduction. " +
        'Received: labelSmoothing=0.1. Remove it or use one of those.',
    );
    dispose([probs, oneHot, grid, short, pair]);
  });
});
