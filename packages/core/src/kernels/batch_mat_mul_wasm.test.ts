import { grads, liveTensors, matMul, sum, type Tensor, tensor } from '@neurite/core';
import { compareArrays, describeBackends, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';

/** C[i] = op(A[i]) x op(B[i]) in float64, broadcasting a batch of 1; op transposes the last two axes if asked. */
function reference(
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  ta: boolean,
  tb: boolean,
): { values: number[]; shape: number[] } {
  const [ba, ra, ca] = aShape.length === 3 ? aShape : [1, ...aShape];
  const [bb, rb, cb] = bShape.length === 3 ? bShape : [1, ...bShape];
  const m = ta ? ca : ra;
  const k = ta ? ra : ca;
  const n = tb ? rb : cb;
  const batch = Math.max(ba, bb);
  const values: number[] = [];
  for (let i = 0; i < batch; i++) {
    const ao = (ba === 1 ? 0 : i) * ra * ca;
    const bo = (bb === 1 ? 0 : i) * rb * cb;
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let j = 0; j < k; j++) {
          s += a[ao + (ta ? j * ca + r : r * ca + j)] * b[bo + (tb ? c * cb + j : j * cb + c)];
        }
        values.push(s);
      }
    }
  }
  const shape = aShape.length === 3 || bShape.length === 3 ? [batch, m, n] : [m, n];
  return { values, shape };
}

const CASES: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [];
for (const ta of [false, true]) {
  for (const tb of [false, true]) {
    // A Dense layer's shapes (batch 8, 20 inputs, 3 units), odd sizes, and batched with broadcasting.
    CASES.push({ a: ta ? [20, 8] : [8, 20], b: tb ? [3, 20] : [20, 3], ta, tb });
    CASES.push({ a: ta ? [7, 5] : [5, 7], b: tb ? [9, 7] : [7, 9], ta, tb });
    CASES.push({ a: ta ? [2, 6, 4] : [2, 4, 6], b: tb ? [1, 5, 6] : [1, 6, 5], ta, tb });
  }
}

await describeBackends('BatchMatMul with transposed operands', (backend) => {
  const tol = backend === 'webgpu' ? 1e-4 : 1e-5;

  for (const c of CASES) {
    it(`${c.ta ? 'A^T' : 'A'} [${c.a}] x ${c.tb ? 'B^T' : 'B'} [${c.b}] matches float64`, async () => {
      const av = floats(
        c.a.reduce((x, y) => x * y),
        3,
      );
      const bv = floats(
        c.b.reduce((x, y) => x * y),
        4,
      );
      const a = tensor(av, c.a);
      const b = tensor(bv, c.b);
      const before = liveTensors();
      const out = matMul(a, b, c.ta, c.tb);
      const want = reference(av, c.a, bv, c.b, c.ta, c.tb);
      expect(out.shape).toEqual(want.shape);
      const got = await out.data();
      compareArrays(got, want.values, `matMul [${backend}]`, 1, { rtol: 0, atol: tol });
      out.dispose();
      // The transposed copies are the kernel's own: nothing of them outlives the call.
      expect(liveTensors()).toEqual(before);
      a.dispose();
      b.dispose();
    });
  }

  it("a Dense layer's gradients (both transposed products) are right", async () => {
    const xv = floats(8 * 20, 5);
    const wv = floats(20 * 3, 6);
    const x = tensor(xv, [8, 20]);
    const w = tensor(wv, [20, 3]);
    // d/dW sum(x W) = x^T 1; d/dx sum(x W) = 1 W^T.
    const [dx, dw] = grads((x: Tensor, w: Tensor) => sum(matMul(x, w)))([x, w]);
    const dwv = await dw.data();
    const dxv = await dx.data();
    for (let j = 0; j < 20; j++) {
      let col = 0;
      for (let i = 0; i < 8; i++) col += xv[i * 20 + j];
      for (let u = 0; u < 3; u++) expect(Math.abs(dwv[j * 3 + u] - col)).toBeLessThan(tol * 10);
      const row = wv[j * 3] + wv[j * 3 + 1] + wv[j * 3 + 2];
      for (let i = 0; i < 8; i++) expect(Math.abs(dxv[i * 20 + j] - row)).toBeLessThan(tol * 10);
    }
    for (const t of [x, w, dx, dw]) t.dispose();
  });
});
