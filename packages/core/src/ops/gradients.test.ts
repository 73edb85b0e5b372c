import {
  grad,
  grads,
  liveTensors,
  randomNormal,
  scalar,
  type Tensor,
  tidy,
  valueAndGrad,
  valueAndGrads,
  variable,
  variableGrads,
} from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import * as tf from '@neurite/core/tfjs';
import { expect, it } from 'vitest';

// A small two-layer computation, so that the tape saves several tensors before the error.
const layers = (x: Tensor, w: Tensor) => x.matMul(w).relu().matMul(w.transpose()).sigmoid().sum();

function leakedBy(run: () => void, message = /a bug/): number {
  const before = liveTensors().tensors;
  expect(run).toThrow(message);
  return liveTensors().tensors - before;
}

await describeBackends('gradient functions that throw', (backend) => {
  it("tfjs's own variableGrads leaks the tape's saved tensors when f throws (why these wrappers exist)", () => {
    const x = randomNormal([4, 3]);
    const w = variable(randomNormal([3, 3]));
    const leaked = leakedBy(() =>
      tf.variableGrads(() => {
        layers(x, w);
        throw new Error('a bug');
      }, [w]),
    );
    expect(leaked).toBeGreaterThan(0);
    // Clean up after tfjs so that later tests start from an empty tape.
    const state = tf.engine().state as unknown as { activeTape?: { saved?: Tensor[] }[] };
    for (const node of state.activeTape ?? []) for (const t of node.saved ?? []) t.dispose();
    x.dispose();
    w.dispose();
  });

  it('variableGrads, grad, grads, valueAndGrad and valueAndGrads leave nothing behind when f throws', () => {
    const x = randomNormal([4, 3]);
    const w = variable(randomNormal([3, 3]));
    const boom = (t: Tensor): Tensor => {
      layers(x, t);
      throw new Error('a bug');
    };
    expect(leakedBy(() => variableGrads(() => boom(w) as tf.Scalar, [w]))).toBe(0);
    expect(leakedBy(() => grad(boom)(w))).toBe(0);
    expect(leakedBy(() => grads((t: Tensor) => boom(t))([w]))).toBe(0);
    expect(leakedBy(() => valueAndGrad(boom)(w))).toBe(0);
    expect(leakedBy(() => valueAndGrads((t: Tensor) => boom(t))([w]))).toBe(0);
    // Inside a scope too, and the next gradient is unaffected.
    expect(leakedBy(() => tidy(() => variableGrads(() => boom(w) as tf.Scalar, [w])))).toBe(0);
    x.dispose();
    w.dispose();
  });

  it('give the same values and gradients as tfjs when nothing throws', async () => {
    const x = randomNormal([4, 3]);
    const w = variable(randomNormal([3, 3]));
    const ours = variableGrads(() => layers(x, w) as tf.Scalar, [w]);
    const theirs = tf.variableGrads(() => layers(x, w) as tf.Scalar, [w]);
    expectClose(await ours.value.data(), await theirs.value.data(), backend);
    expectClose(await ours.grads[w.name].data(), await theirs.grads[w.name].data(), backend);
    const g = grad((t: Tensor) => t.square().sum())(scalar(3));
    expect((await g.data())[0]).toBe(6);
    for (const t of [ours.value, theirs.value, ours.grads[w.name], theirs.grads[w.name], g, x, w]) t.dispose();
  });

  it("frees what tfjs made before its own checks refused the function's result", () => {
    const w = variable(randomNormal([3, 3]));
    // Not a scalar: tfjs computes the value and its gradient, then refuses.
    expect(leakedBy(() => variableGrads(() => w.square() as never as tf.Scalar, [w]), /scalar/)).toBe(0);
    w.dispose();
  });
});
