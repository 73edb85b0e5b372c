import { dispose, grad, liveTensors, sigmoid, type Tensor, tensor1d, tensor2d, zeros } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { binaryCrossentropy } from '@neurite/losses';
import { expect, it } from 'vitest';

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

await describeBackends('binaryCrossentropy', (backend) => {
  it('matches hand-computed values with each reduction', async () => {
    const yTrue = tensor2d([
      [1, 0],
      [0, 0],
    ]);
    const yPred = tensor2d([
      [0.9, 0.2],
      [0.3, 0.6],
    ]);
    // Sample 0: the mean of -(1*log 0.9 + 0*log 0.1) and -(0*log 0.2 + 1*log 0.8); sample 1: y = 0 twice.
    const s0 = (-Math.log(0.9) - Math.log(0.8)) / 2;
    const s1 = (-Math.log(0.7) - Math.log(0.4)) / 2;
    const none = binaryCrossentropy(yTrue, yPred, { reduction: 'none' });
    expect(none.shape).toEqual([2]);
    expectClose(await read(none), [s0, s1], backend);
    const mean = binaryCrossentropy(yTrue, yPred);
    expect(mean.shape).toEqual([]);
    expectClose(await read(mean), [(s0 + s1) / 2], backend);
    expectClose(await read(binaryCrossentropy(yTrue, yPred, { reduction: 'sum' })), [s0 + s1], backend);
    dispose([yTrue, yPred]);
  });

  it('uses both terms for soft targets, and accepts int32 targets', async () => {
    const soft = tensor2d([[0.3, 0.8]]);
    const yPred = tensor2d([[0.6, 0.5]]);
    const expected = (bce(0.3, 0.6) + bce(0.8, 0.5)) / 2;
    expectClose(await read(binaryCrossentropy(soft, yPred)), [expected], backend);
    const ints = tensor2d([[1, 0]], [1, 2], 'int32');
    expectClose(await read(binaryCrossentropy(ints, yPred)), [(bce(1, 0.6) + bce(0, 0.5)) / 2], backend);
    dispose([soft, yPred, ints]);
  });

  it('computes from logits as max(x, 0) - x y + log(1 + exp(-|x|))', async () => {
    const yTrue = tensor2d([[1, 0, 0.25]]);
    const logits = tensor2d([[2, -1, 0.5]]);
    const expected = [
      2 - 2 * 1 + Math.log(1 + Math.exp(-2)),
      0 - 0 + Math.log(1 + Math.exp(-1)),
      0.5 - 0.5 * 0.25 + Math.log(1 + Math.exp(-0.5)),
    ];
    const loss = binaryCrossentropy(yTrue, logits, { fromLogits: true, reduction: 'none' });
    expectClose(await read(loss), [(expected[0] + expected[1] + expected[2]) / 3], backend);
    dispose([yTrue, logits]);
  });

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

  it('smooths labels to y (1 - ls) + 0.5 ls', async () => {
    const yTrue = tensor2d([[1, 0]]);
    const yPred = tensor2d([[0.7, 0.4]]);
    // ls = 0.2: targets 1 -> 0.9 and 0 -> 0.1.
    const loss = binaryCrossentropy(yTrue, yPred, { labelSmoothing: 0.2 });
    expectClose(await read(loss), [(bce(0.9, 0.7) + bce(0.1, 0.4)) / 2], backend);
    dispose([yTrue, yPred]);
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

  it('has the gradient (p - y) / (p (1 - p)) / n inside (0, 1)', async () => {
    const yTrue = tensor2d([[1, 0]]);
    const yPred = tensor2d([[0.8, 0.25]]);
    const g = await read(grad((p: Tensor) => binaryCrossentropy(yTrue, p))(yPred));
    expectClose(g, [(0.8 - 1) / (0.8 * 0.2) / 2, (0.25 - 0) / (0.25 * 0.75) / 2], backend);
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

  it('leaves no tensors behind', async () => {
    const yTrue = tensor1d([1, 0, 1]);
    const yPred = tensor1d([0.2, 0.9, 1]);
    const before = liveTensors();
    for (const fromLogits of [false, true]) {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        await read(binaryCrossentropy(yTrue, yPred, { fromLogits, reduction, labelSmoothing: 0.1 }));
      }
      await read(grad((p: Tensor) => binaryCrossentropy(yTrue, p, { fromLogits }))(yPred));
    }
    expect(liveTensors().tensors).toBe(before.tensors);
    expect(liveTensors().dataIds).toBe(before.dataIds);
    dispose([yTrue, yPred]);
  });
});
