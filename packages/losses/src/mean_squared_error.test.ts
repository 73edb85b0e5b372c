import { dispose, grad, liveTensors, scalar, type Tensor, tensor1d, tensor2d, tensor3d, zeros } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { meanSquaredError } from '@neurite/losses';
import { expect, it } from 'vitest';

async function read(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

await describeBackends('meanSquaredError', (backend) => {
  it('matches hand-computed values with each reduction', async () => {
    const yTrue = tensor2d([
      [0, 1],
      [2, 2],
    ]);
    const yPred = tensor2d([
      [1, 1],
      [2, 5],
    ]);
    // Per sample: ((1-0)^2 + (1-1)^2) / 2 and ((2-2)^2 + (5-2)^2) / 2.
    const s0 = (1 ** 2 + 0 ** 2) / 2;
    const s1 = (0 ** 2 + 3 ** 2) / 2;
    const none = meanSquaredError(yTrue, yPred, { reduction: 'none' });
    expect(none.shape).toEqual([2]);
    expectClose(await read(none), [s0, s1], backend);
    const mean = meanSquaredError(yTrue, yPred);
    expect(mean.shape).toEqual([]);
    expectClose(await read(mean), [(s0 + s1) / 2], backend);
    expectClose(await read(meanSquaredError(yTrue, yPred, { reduction: 'sum' })), [s0 + s1], backend);
    dispose([yTrue, yPred]);
  });

  it('averages over the last axis only, for rank 1 and rank 3 as well', async () => {
    const y3 = tensor3d([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    const z3 = zeros([1, 2, 2]);
    const none3 = meanSquaredError(z3, y3, { reduction: 'none' });
    expect(none3.shape).toEqual([1, 2]);
    expectClose(await read(none3), [(1 + 4) / 2, (9 + 16) / 2], backend);
    // As in Keras, a rank-1 pair is one sample: its per-sample loss is a scalar.
    const y1 = tensor1d([1, 2, 3]);
    const z1 = zeros([3]);
    const none1 = meanSquaredError(z1, y1, { reduction: 'none' });
    expect(none1.shape).toEqual([]);
    expectClose(await read(none1), [(1 + 4 + 9) / 3], backend);
    dispose([y3, z3, y1, z1]);
  });

  it('has the gradient 2 (yPred - yTrue) / n, and takes int32 targets', async () => {
    const yTrue = tensor2d(
      [
        [0, 1],
        [2, 2],
      ],
      [2, 2],
      'int32',
    );
    const yPred = tensor2d([
      [1, 1],
      [2, 5],
    ]);
    const g = await read(grad((p: Tensor) => meanSquaredError(yTrue, p))(yPred));
    expectClose(g, [(2 * 1) / 4, 0, 0, (2 * 3) / 4], backend);
    dispose([yTrue, yPred]);
  });

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

  it('leaves no tensors behind', async () => {
    const yTrue = tensor2d([[0, 1]], [1, 2], 'int32');
    const yPred = tensor2d([[0.5, 3]]);
    const before = liveTensors();
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await read(meanSquaredError(yTrue, yPred, { reduction }));
    }
    await read(grad((p: Tensor) => meanSquaredError(yTrue, p))(yPred));
    expect(liveTensors().tensors).toBe(before.tensors);
    expect(liveTensors().dataIds).toBe(before.dataIds);
    dispose([yTrue, yPred]);
  });
});
