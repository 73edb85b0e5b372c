// One check for an op on the active backend: forward values and shape against a float64 reference, the
// gradients of sum(op(...) * dy) against the reference's and against central finite differences of the
// backend's own forward pass, and no tensor or backend buffer left behind.
import { grads, liveTensors, mul, type Tensor, tensor, tidy } from '@neurite/core';
import { compareArrays, expectClose, finiteDifference, sampleIndices } from '@neurite/core/testing';
import { expect } from 'vitest';

export interface OpCheck {
  /** The op under test, of the differentiable inputs (anything else is closed over). */
  op: (...inputs: Tensor[]) => Tensor;
  inputs: { values: Float32Array; shape: number[] }[];
  /** The weights of the scalar whose gradients are checked, sum(op(...) * dy). */
  dy: Float32Array;
  expected: { shape: number[]; y: ArrayLike<number>; grads: ArrayLike<number>[] };
  backend: string;
  /** Multiplies the backend's tolerance for the reference comparisons (sums of many products). */
  scale?: number;
  /** Finite-difference probes per input. */
  probes?: number;
}

export async function checkOp(c: OpCheck): Promise<void> {
  const before = liveTensors();
  const xs = c.inputs.map((x) => tensor(x.values, x.shape));
  const dy = tensor(c.dy, c.expected.shape);
  const y = c.op(...xs);
  expect(y.shape).toEqual(c.expected.shape);
  expectClose(await y.data(), c.expected.y, c.backend, c.scale);
  const weighted = (...ts: Tensor[]) => mul(c.op(...ts), dy).sum();
  const analytic = grads(weighted)(xs);
  const loss = async (at: Tensor[]) => {
    const l = tidy(() => weighted(...at));
    const v = (await l.data())[0];
    l.dispose();
    return v;
  };
  for (let i = 0; i < xs.length; i++) {
    const g = await analytic[i].data();
    expectClose(g, c.expected.grads[i], c.backend, c.scale);
    const { values, shape } = c.inputs[i];
    const numeric = await finiteDifference(values, sampleIndices(values.length, c.probes ?? 6), async (v) => {
      const t = tensor(v, shape);
      const l = await loss(xs.map((x, k) => (k === i ? t : x)));
      t.dispose();
      return l;
    });
    compareArrays(g, numeric, `d sum(y * dy) / d input ${i} by finite differences [${c.backend}]`);
  }
  for (const t of [...xs, dy, y, ...analytic]) t.dispose();
  const after = liveTensors();
  expect(after.tensors).toBe(before.tensors);
  expect(after.dataIds).toBe(before.dataIds);
}
