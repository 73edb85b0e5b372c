import { dispose, grad, sigmoid, type Tensor, tensor2d, zeros } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { binaryCrossentropy } from '@neurite/losses';
import { expect, it } from 'vitest';
import { describeLoss } from '../test/describe_loss.js';

async function read(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

// The definition, in float64: -[y log p + (1 - y) log(1 - p)].
const bce = (y: number, p: number) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
// Keras's clip bounds as float32 holds them: 1e-7 and 1 - 2^-23 (the float32 nearest 1 - 1e-7).
const lo = Math.fround(1e-7);
const hi = Math.fround(1 - 1e-7);
const clip = (p: number) => Math.min(hi, Math.max(lo, p));

// Soft targets in [0, 1) and predictions in (0.15, 0.85), as probabilities and as logits.
await describeLoss({
  fn: binaryCrossentropy,
  className: 'BinaryCrossentropy',
  targets: 'dense',
  reference: (t, p, { fromLogits, labelSmoothing }) => {
    let total = 0;
    for (let i = 0; i < p.length; i++) {
      const y = t[i] * (1 - labelSmoothing) + 0.5 * labelSmoothing;
      const x = p[i];
      total += fromLogits ? Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))) : bce(y, clip(x));
    }
    return total / p.length;
  },
  options: [{}, { fromLogits: true }, { labelSmoothing: 0.2 }, { fromLogits: true, labelSmoothing: 0.1 }],
});

await describeBackends('binaryCrossentropy', (backend) => {
  it('agrees between fromLogits and probabilities = sigmoid(logits)', async () => {
    const yTrue = tensor2d([
      [1, 0, 1],
      [0, 0.5, 1],
    ]);
    const logits = tensor2d([
      [-3, -0.5, 0],
      [0.7, 2, 3],
    ]);
    const probs = sigmoid(logits);
    const fromLogits = await read(binaryCrossentropy(yTrue, logits, { fromLogits: true, reduction: 'none' }));
    const fromProbs = await read(binaryCrossentropy(yTrue, probs, { reduction: 'none' }));
    // log(1 - p) loses digits to float32 rounding of p near 1.
    expectClose(fromProbs, fromLogits, backend, 10);
    dispose([yTrue, logits, probs]);
  });

  it('is finite, with a finite gradient, at p exactly 0 and 1', async () => {
    const yTrue = tensor2d([[1, 0, 1, 0]]);
    const yPred = tensor2d([[0, 1, 1, 0]]);
    // p is clipped to [1e-7, 1 - 1e-7]: -log(1e-7), -log(1 - hi), -log(hi), -log(1 - 1e-7).
    const expected = (-Math.log(lo) - Math.log(1 - hi) - Math.log(hi) - Math.log(1 - lo)) / 4;
    expectClose(await read(binaryCrossentropy(yTrue, yPred)), [expected], backend);
    const g = await read(grad((p: Tensor) => binaryCrossentropy(yTrue, p))(yPred));
    expect(g.every(Number.isFinite)).toBe(true);
    // Clipped probabilities get no gradient, as in Keras (clip's gradient is 0 outside its range).
    expectClose(g, [0, 0, 0, 0], backend);
    dispose([yTrue, yPred]);
  });

  it('is exact and finite at logits +-100, with gradient (sigmoid(x) - y) / n', async () => {
    const yTrue = tensor2d([[1, 0, 1, 0]]);
    const logits = tensor2d([[100, 100, -100, -100]]);
    // Per element: 100 - 100 + log(1 + e^-100) ~ 0, 100 - 0 + ~0 = 100, 0 + 100 + ~0 = 100, ~0.
    expectClose(
      await read(binaryCrossentropy(yTrue, logits, { fromLogits: true })),
      [(0 + 100 + 100 + 0) / 4],
      backend,
    );
    const g = await read(grad((x: Tensor) => binaryCrossentropy(yTrue, x, { fromLogits: true }))(logits));
    expectClose(g, [(1 - 1) / 4, (1 - 0) / 4, (0 - 1) / 4, (0 - 0) / 4], backend);
    dispose([yTrue, logits]);
  });

  it('rejects mismatched shapes and bad options with exact messages', () => {
    const labels = zeros([32, 1]);
    const probs = zeros([32, 10]);
    expect(() => binaryCrossentropy(labels, probs)).toThrow(
      'binaryCrossentropy: yTrue and yPred must have the same shape. Received: yTrue [32, 1], yPred [32, 10]. ' +
        'For integer class labels with softmax outputs, use sparseCategoricalCrossentropy.',
    );
    const flat = zeros([4]);
    const column = zeros([4, 1]);
    expect(() => binaryCrossentropy(flat, column)).toThrow(
      'binaryCrossentropy: yTrue and yPred must have the same shape. Received: yTrue [4], yPred [4, 1]. ' +
        'Reshape yTrue with yTrue.reshape([4, 1]).',
    );
    expect(() => binaryCrossentropy(column, column, { labelSmoothing: 1.5 })).toThrow(
      'binaryCrossentropy: labelSmoothing must be a number in [0, 1]. Received: labelSmoothing=1.5.',
    );
    expect(() => binaryCrossentropy(column, column, { reduction: 'avg' as 'mean' })).toThrow(
      "binaryCrossentropy: reduction must be one of 'mean', 'sum', 'none'. Received: reduction='avg'.",
    );
    expect(() => binaryCrossentropy(column, column, { from_logits: true } as object)).toThrow(
      "binaryCrossentropy: unknown option 'from_logits'. Expected one of: fromLogits, labelSmoothing, reduction. " +
        "Received: from_logits=true. Did you mean 'fromLogits'?",
    );
    expect(() => binaryCrossentropy([1, 0] as unknown as Tensor, column)).toThrow(
      'binaryCrossentropy: yTrue must be a Tensor. Received: an array. Wrap plain numbers with tensor() from @neurite/core.',
    );
    dispose([labels, probs, flat, column]);
  });
});
