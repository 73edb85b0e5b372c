import { dispose, grad, liveTensors, type Tensor, tensor1d, tensor2d, zeros } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { meanAbsoluteError } from '@neurite/losses';
import { expect, it } from 'vitest';

async function read(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

await describeBackends('meanAbsoluteError', (backend) => {
  it('matches hand-computed values with each reduction', async () => {
    const yTrue = tensor2d([
      [0, 1, 2],
      [2, 2, -1],
    ]);
    const yPred = tensor2d([
      [1, 1, 0.5],
      [2, 5, 1],
    ]);
    // Per sample: (|1-0| + |1-1| + |0.5-2|) / 3 and (|2-2| + |5-2| + |1-(-1)|) / 3.
    const s0 = (1 + 0 + 1.5) / 3;
    const s1 = (0 + 3 + 2) / 3;
    const none = meanAbsoluteError(yTrue, yPred, { reduction: 'none' });
    expect(none.shape).toEqual([2]);
    expectClose(await read(none), [s0, s1], backend);
    const mean = meanAbsoluteError(yTrue, yPred);
    expect(mean.shape).toEqual([]);
    expectClose(await read(mean), [(s0 + s1) / 2], backend);
    expectClose(await read(meanAbsoluteError(yTrue, yPred, { reduction: 'sum' })), [s0 + s1], backend);
    dispose([yTrue, yPred]);
  });

  it('has the gradient sign(yPred - yTrue) / n, and takes int32 targets', async () => {
    const yTrue = tensor2d(
      [
        [0, 1],
        [2, 2],
      ],
      [2, 2],
      'int32',
    );
    const yPred = tensor2d([
      [1, 0.5],
      [-2, 5],
    ]);
    const g = await read(grad((p: Tensor) => meanAbsoluteError(yTrue, p))(yPred));
    expectClose(g, [1 / 4, -1 / 4, -1 / 4, 1 / 4], backend);
    dispose([yTrue, yPred]);
  });

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

  it('leaves no tensors behind', async () => {
    const yTrue = tensor1d([0, 1, 2]);
    const yPred = tensor1d([0.5, 3, 1]);
    const before = liveTensors();
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await read(meanAbsoluteError(yTrue, yPred, { reduction }));
    }
    await read(grad((p: Tensor) => meanAbsoluteError(yTrue, p))(yPred));
    expect(liveTensors().tensors).toBe(before.tensors);
    expect(liveTensors().dataIds).toBe(before.dataIds);
    dispose([yTrue, yPred]);
  });
});
