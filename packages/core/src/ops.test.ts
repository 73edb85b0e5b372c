import {
  conv2d,
  customGrad,
  type GradSaveFunc,
  grad,
  grads,
  liveTensors,
  randomNormal,
  randomUniform,
  scalar,
  setSeed,
  type Tensor,
  type Tensor4D,
  tensor,
  tensor4d,
  tidy,
  type Variable,
  variable,
  variableGrads,
} from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { type ConvCase, conv2dFilterGradReference } from '../test/reference.js';

await describeBackends('core ops and autodiff', (backend) => {
  it('differentiates y = w^T x + b by hand-checkable numbers (grad, grads)', async () => {
    const x = tensor([1, 2, 3]);
    const f = (w: Tensor) => w.mul(x).sum().add(scalar(0.5));
    // dy/dw = x
    expect(Array.from(await grad(f)(tensor([0.1, 0.2, 0.3])).data())).toEqual([1, 2, 3]);
    const [dw, db] = grads((w: Tensor, b: Tensor) => w.mul(x).sum().add(b))([tensor([1, 1, 1]), scalar(4)]);
    expect(Array.from(await dw.data())).toEqual([1, 2, 3]);
    expect(await db.data()).toEqual(new Float32Array([1]));
  });

  it('honours customGrad', async () => {
    // Forward x^2, but a deliberately different backward (3 * dy) to prove the custom one runs.
    const f = customGrad((x, save) => {
      (save as GradSaveFunc)([x as Tensor]);
      return { value: (x as Tensor).square(), gradFunc: (dy: Tensor) => [dy.mul(3)] };
    });
    const g = grad((x: Tensor) => f(x) as Tensor)(tensor([2, 5]));
    expect(Array.from(await g.data())).toEqual([3, 3]);
  });

  it('computes variableGrads of a conv2d loss wrt its filter, matching the float64 reference', async () => {
    const c: ConvCase = {
      batch: 2,
      height: 6,
      width: 6,
      inChannels: 3,
      outChannels: 4,
      kernel: [3, 3],
      stride: 1,
      pad: 'same',
    };
    const xv = floats(2 * 6 * 6 * 3, 7);
    const fv = floats(3 * 3 * 3 * 4, 8);
    const x = tensor4d(xv, [2, 6, 6, 3]);
    const f = variable(tensor4d(fv, [3, 3, 3, 4]), true, `filter_${backend}`) as unknown as Tensor4D;
    const { value, grads: g } = variableGrads(() => conv2d(x, f, 1, 'same').square().sum());
    // d(sum y^2)/df = conv2dFilterGrad(x, 2y), with y computed by the same backend.
    const y = await conv2d(x, f, 1, 'same').data();
    const expected = conv2dFilterGradReference(
      c,
      xv,
      Float32Array.from(y, (v) => 2 * v),
    );
    expectClose(await g[(f as unknown as Variable).name].data(), expected, backend, 10);
    expect(value.shape).toEqual([]);
    f.dispose();
  });

  it('gives the same numbers for the same seed', async () => {
    setSeed(123);
    const a = await randomNormal([5]).data();
    const u = await randomUniform([5]).data();
    setSeed(123);
    expect(await randomNormal([5]).data()).toEqual(a);
    expect(await randomUniform([5]).data()).toEqual(u);
    setSeed(124);
    expect(await randomNormal([5]).data()).not.toEqual(a);
  });

  it('frees everything made inside tidy()', async () => {
    const before = liveTensors();
    const kept = tidy(() => {
      const a = randomNormal([4, 4]);
      return a.matMul(a).relu().sum();
    });
    expect(liveTensors().tensors).toBe(before.tensors + 1);
    kept.dispose();
    expect(liveTensors()).toEqual(before);
  });

  it('has chained ops registered (x.square().mean())', async () => {
    expect(await tensor([1, 2, 3]).square().mean().data()).toEqual(new Float32Array([14 / 3]));
  });
});
