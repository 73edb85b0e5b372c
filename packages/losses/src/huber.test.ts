import { dispose, grad, liveTensors, type Tensor, tensor1d, tensor2d, zeros } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { huber } from '@neurite/losses';
import { expect, it } from 'vitest';

async function read(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

// The definition, for an error e: 0.5 e^2 if |e| <= delta, else delta |e| - 0.5 delta^2.
const h = (e: number, delta = 1) => (Math.abs(e) <= delta ? 0.5 * e * e : delta * Math.abs(e) - 0.5 * delta * delta);

await describeBackends('huber', (backend) => {
  it('matches hand-computed values with each reduction', async () => {
    const yTrue = tensor2d([
      [0, 0],
      [1, 1],
    ]);
    const yPred = tensor2d([
      [0.5, -2],
      [2, 1],
    ]);
    // Errors 0.5 and -2, then 1 (on the boundary) and 0.
    const s0 = (0.5 * 0.5 ** 2 + (1 * 2 - 0.5 * 1 ** 2)) / 2;
    const s1 = (0.5 * 1 ** 2 + 0) / 2;
    const none = huber(yTrue, yPred, { reduction: 'none' });
    expect(none.shape).toEqual([2]);
    expectClose(await read(none), [s0, s1], backend);
    const mean = huber(yTrue, yPred);
    expect(mean.shape).toEqual([]);
    expectClose(await read(mean), [(s0 + s1) / 2], backend);
    expectClose(await read(huber(yTrue, yPred, { reduction: 'sum' })), [s0 + s1], backend);
    dispose([yTrue, yPred]);
  });

  it('moves the quadratic-to-linear switch with delta', async () => {
    const yTrue = zeros([1, 4]);
    const yPred = tensor2d([[1, -3, 0.25, 2.5]]);
    const expected = (h(1, 2) + h(-3, 2) + h(0.25, 2) + h(2.5, 2)) / 4;
    // = (0.5 + (6 - 2) + 0.03125 + (5 - 2)) / 4
    expect(expected).toBeCloseTo((0.5 + 4 + 0.03125 + 3) / 4, 12);
    expectClose(await read(huber(yTrue, yPred, { delta: 2 })), [expected], backend);
    dispose([yTrue, yPred]);
  });

  it('has the gradient clip(yPred - yTrue, -delta, delta) / n', async () => {
    const yTrue = tensor2d([[1, 1, 1, 1]]);
    const yPred = tensor2d([[1.5, 4, -3, 0.25]]);
    const g = await read(grad((p: Tensor) => huber(yTrue, p, { delta: 1.5 }))(yPred));
    // Errors 0.5, 3, -4, -0.75: the outer two are clipped to +-1.5.
    expectClose(g, [0.5 / 4, 1.5 / 4, -1.5 / 4, -0.75 / 4], backend);
    dispose([yTrue, yPred]);
  });

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

  it('leaves no tensors behind', async () => {
    const yTrue = tensor1d([0, 1, 2]);
    const yPred = tensor1d([0.5, 3, 1]);
    const before = liveTensors();
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await read(huber(yTrue, yPred, { reduction, delta: 0.5 }));
    }
    await read(grad((p: Tensor) => huber(yTrue, p))(yPred));
    expect(liveTensors().tensors).toBe(before.tensors);
    expect(liveTensors().dataIds).toBe(before.dataIds);
    dispose([yTrue, yPred]);
  });
});
