import { dispose, grad, liveTensors, softmax, type Tensor, tensor2d, tensor3d, zeros } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { categoricalCrossentropy } from '@neurite/losses';
import { expect, it } from 'vitest';

async function read(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

// Keras's clip bounds as float32 holds them.
const lo = Math.fround(1e-7);
const hi = Math.fround(1 - 1e-7);

await describeBackends('categoricalCrossentropy', (backend) => {
  it('matches hand-computed values with each reduction', async () => {
    const yTrue = tensor2d([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const yPred = tensor2d([
      [0.1, 0.8, 0.1],
      [0.5, 0.25, 0.25],
    ]);
    // Per sample: -(0*log 0.1 + 1*log 0.8 + 0*log 0.1) and -(1*log 0.5 + 0 + 0).
    const s0 = -Math.log(0.8);
    const s1 = -Math.log(0.5);
    const none = categoricalCrossentropy(yTrue, yPred, { reduction: 'none' });
    expect(none.shape).toEqual([2]);
    expectClose(await read(none), [s0, s1], backend);
    const mean = categoricalCrossentropy(yTrue, yPred);
    expect(mean.shape).toEqual([]);
    expectClose(await read(mean), [(s0 + s1) / 2], backend);
    expectClose(await read(categoricalCrossentropy(yTrue, yPred, { reduction: 'sum' })), [s0 + s1], backend);
    dispose([yTrue, yPred]);
  });

  it('rescales probabilities to sum to 1 and takes soft targets', async () => {
    const yTrue = tensor2d([[0.25, 0.75]]);
    const yPred = tensor2d([[1, 3]]);
    // yPred / 4 = [0.25, 0.75].
    const loss = categoricalCrossentropy(yTrue, yPred);
    expectClose(await read(loss), [-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))], backend);
    dispose([yTrue, yPred]);
  });

  it('keeps a per-sample loss for every leading position of rank-3 inputs', async () => {
    const yTrue = tensor3d([
      [
        [1, 0],
        [0, 1],
      ],
    ]);
    const yPred = tensor3d([
      [
        [0.6, 0.4],
        [0.1, 0.9],
      ],
    ]);
    const loss = categoricalCrossentropy(yTrue, yPred, { reduction: 'none' });
    expect(loss.shape).toEqual([1, 2]);
    expectClose(await read(loss), [-Math.log(0.6), -Math.log(0.9)], backend);
    dispose([yTrue, yPred]);
  });

  it('computes from logits as -(x_label - log sum exp x)', async () => {
    const yTrue = tensor2d([[0, 0, 1]]);
    const logits = tensor2d([[1, 2, 3]]);
    const loss = categoricalCrossentropy(yTrue, logits, { fromLogits: true });
    expectClose(await read(loss), [-(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)))], backend);
    dispose([yTrue, logits]);
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

  it('smooths labels to y (1 - ls) + ls / numClasses', async () => {
    const yTrue = tensor2d([[0, 1, 0]]);
    const yPred = tensor2d([[0.2, 0.5, 0.3]]);
    // ls = 0.3 over 3 classes: [0, 1, 0] -> [0.1, 0.8, 0.1].
    const expected = -(0.1 * Math.log(0.2) + 0.8 * Math.log(0.5) + 0.1 * Math.log(0.3));
    expectClose(await read(categoricalCrossentropy(yTrue, yPred, { labelSmoothing: 0.3 })), [expected], backend);
    const logits = tensor2d([[0, 0, 0]]);
    // Uniform softmax: every log p is log(1/3), and the smoothed targets still sum to 1.
    const uniform = categoricalCrossentropy(yTrue, logits, { labelSmoothing: 0.3, fromLogits: true });
    expectClose(await read(uniform), [Math.log(3)], backend);
    dispose([yTrue, yPred, logits]);
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

  it('leaves no tensors behind', async () => {
    const yTrue = tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const yPred = tensor2d([
      [0.3, 0.7],
      [0, 1],
    ]);
    const before = liveTensors();
    for (const fromLogits of [false, true]) {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        await read(categoricalCrossentropy(yTrue, yPred, { fromLogits, reduction, labelSmoothing: 0.1 }));
      }
      await read(grad((p: Tensor) => categoricalCrossentropy(yTrue, p, { fromLogits }))(yPred));
    }
    expect(liveTensors().tensors).toBe(before.tensors);
    expect(liveTensors().dataIds).toBe(before.dataIds);
    dispose([yTrue, yPred]);
  });
});
