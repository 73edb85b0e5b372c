import { dispose, grad, softmax, type Tensor, tensor2d, zeros } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { categoricalCrossentropy } from '@neurite/losses';
import { expect, it } from 'vitest';
import { describeLoss } from '../test/describe_loss.js';

async function read(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

// Keras's clip bounds as float32 holds them.
const lo = Math.fround(1e-7);
const hi = Math.fround(1 - 1e-7);
const lse = (xs: number[]) => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0));

/** -sum(y log p) of one sample, with Keras's rescaling and clipping, or log-softmax for logits. */
function categoricalReference(y: number[], x: number[], fromLogits: boolean): number {
  const total = x.reduce((a, b) => a + b, 0);
  const logP = fromLogits ? x.map((v) => v - lse(x)) : x.map((v) => Math.log(Math.min(hi, Math.max(lo, v / total))));
  return -y.reduce((s, yi, i) => s + yi * logP[i], 0);
}

await describeLoss({
  fn: categoricalCrossentropy,
  className: 'CategoricalCrossentropy',
  targets: 'oneHot',
  reference: (t, x, { fromLogits, labelSmoothing }) =>
    categoricalReference(
      t.map((v) => v * (1 - labelSmoothing) + labelSmoothing / x.length),
      x,
      fromLogits,
    ),
  options: [{}, { fromLogits: true }, { labelSmoothing: 0.3 }, { fromLogits: true, labelSmoothing: 0.1 }],
});

await describeBackends('categoricalCrossentropy', (backend) => {
  it('rescales probabilities to sum to 1 and takes soft targets', async () => {
    const yTrue = tensor2d([[0.25, 0.75]]);
    const yPred = tensor2d([[1, 3]]);
    // yPred / 4 = [0.25, 0.75].
    const loss = categoricalCrossentropy(yTrue, yPred);
    expectClose(await read(loss), [-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))], backend);
    dispose([yTrue, yPred]);
  });

  it('agrees between fromLogits and probabilities = softmax(logits)', async () => {
    const yTrue = tensor2d([
      [0, 1, 0],
      [0.2, 0.3, 0.5],
    ]);
    const logits = tensor2d([
      [2, -1, 0.5],
      [-3, 0, 1.5],
    ]);
    const probs = softmax(logits);
    const fromLogits = await read(categoricalCrossentropy(yTrue, logits, { fromLogits: true, reduction: 'none' }));
    const fromProbs = await read(categoricalCrossentropy(yTrue, probs, { reduction: 'none' }));
    expectClose(fromProbs, fromLogits, backend, 10);
    dispose([yTrue, logits, probs]);
  });

  it('is finite, with a finite gradient, at p exactly 0 and 1', async () => {
    const yTrue = tensor2d([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const yPred = tensor2d([
      [0, 1, 0],
      [0, 1, 0],
    ]);
    // Clipped: -log(1 - 1e-7) for the right answer, -log(1e-7) for the certain wrong one.
    const loss = categoricalCrossentropy(yTrue, yPred, { reduction: 'none' });
    expectClose(await read(loss), [-Math.log(hi), -Math.log(lo)], backend);
    const g = await read(grad((p: Tensor) => categoricalCrossentropy(yTrue, p))(yPred));
    expect(g.every(Number.isFinite)).toBe(true);
    // The labelled entries sit outside the clip range, so no gradient flows, as in Keras.
    expectClose(g, [0, 0, 0, 0, 0, 0], backend);
    dispose([yTrue, yPred]);
  });

  it('is exact and finite at logits +-100, with gradient (softmax(x) - y) / batch', async () => {
    const yTrue = tensor2d([[0, 1, 0]]);
    const logits = tensor2d([[100, -100, 0]]);
    // -(-100 - log(e^100 + e^-100 + e^0)) = 200 + log(1 + e^-200 + e^-100) = 200.
    expectClose(await read(categoricalCrossentropy(yTrue, logits, { fromLogits: true })), [200], backend);
    const g = await read(grad((x: Tensor) => categoricalCrossentropy(yTrue, x, { fromLogits: true }))(logits));
    // softmax = [1, e^-200, e^-100] ~ [1, 0, 0].
    expectClose(g, [1 - 0, 0 - 1, 0 - 0], backend);
    dispose([yTrue, logits]);
  });

  it('rejects mismatched shapes and bad options with exact messages', () => {
    const labels = zeros([4]);
    const probs = zeros([4, 3]);
    expect(() => categoricalCrossentropy(labels, probs)).toThrow(
      'categoricalCrossentropy: yTrue and yPred must have the same shape. Received: yTrue [4], yPred [4, 3]. ' +
        'For integer class labels with softmax outputs, use sparseCategoricalCrossentropy.',
    );
    expect(() => categoricalCrossentropy(probs, probs, { labelSmoothing: 1.5 })).toThrow(
      'categoricalCrossentropy: labelSmoothing must be a number in [0, 1]. Received: labelSmoothing=1.5.',
    );
    expect(() => categoricalCrossentropy(probs, probs, { fromLogits: 'yes' as unknown as boolean })).toThrow(
      "categoricalCrossentropy: fromLogits must be a boolean. Received: fromLogits='yes'.",
    );
    dispose([labels, probs]);
  });
});
