import { engine, liveTensors, type Tensor, tensor } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { sumReference } from '../../test/reference.js';

interface SumCase {
  shape: number[];
  axis: number | number[];
  keepDims?: boolean;
}

// Neurite's kernel takes leading blocks of axes (in any spelling: negative, unsorted, one number);
// the rest go to tfjs's. Row lengths 1 to 17 reach the eight-column loop and its tail, and the long
// shapes span several row blocks.
const fast: SumCase[] = [
  { shape: [2, 3, 4, 5], axis: [0, 1, 2] },
  { shape: [2, 3, 4, 5], axis: [0, 1, 2], keepDims: true },
  { shape: [2, 3, 4, 5], axis: [0] },
  { shape: [2, 3, 4, 5], axis: [1, 0], keepDims: true },
  { shape: [2, 3, 4, 5], axis: [-4, -3] },
  { shape: [7, 9, 9, 16], axis: [0, 1, 2] },
  { shape: [3, 5, 5, 17], axis: [0, 1, 2] },
  { shape: [300, 40], axis: 0 },
  { shape: [5000, 1], axis: [0] },
  { shape: [1, 8], axis: [0] },
  { shape: [6, 3], axis: -2, keepDims: true },
];
const delegated: SumCase[] = [
  { shape: [2, 3, 4, 5], axis: [1, 2] },
  { shape: [2, 3, 4, 5], axis: [0, 2] },
  { shape: [2, 3, 4, 5], axis: -1 },
  { shape: [2, 3, 4, 5], axis: [0, 1, 2, 3] },
  { shape: [4, 6], axis: [1], keepDims: true },
];

function label(c: SumCase): string {
  return `[${c.shape.join(',')}] axis ${JSON.stringify(c.axis)}${c.keepDims ? ' keepDims' : ''}`;
}

function axesOf(c: SumCase): number[] {
  const list = typeof c.axis === 'number' ? [c.axis] : c.axis;
  return list.map((a) => (a < 0 ? a + c.shape.length : a));
}

await describeBackends('Sum', (backend) => {
  for (const [route, cases] of [
    ['leading axes', fast],
    ["tfjs's kernel", delegated],
  ] as const) {
    for (const c of cases) {
      it(`${route}: matches the float64 reference: ${label(c)}`, async () => {
        const xv = floats(
          c.shape.reduce((a, b) => a * b, 1),
          7,
        );
        const x = tensor(xv, c.shape);
        const before = liveTensors();
        const s = engine().runKernel('Sum', { x }, { axis: c.axis, keepDims: c.keepDims ?? false }) as Tensor;
        const axes = axesOf(c);
        const expectedShape = c.shape.flatMap((d, i) => (axes.includes(i) ? (c.keepDims ? [1] : []) : [d]));
        expect(s.shape).toEqual(expectedShape);
        expect(s.dtype).toBe('float32');
        // Up to 5,000 values in [-1, 1) are summed: float32 kernels that sum in float32 need the slack.
        expectClose(await s.data(), sumReference(xv, c.shape, axes), backend, 10);
        s.dispose();
        const after = liveTensors();
        expect(after.tensors).toBe(before.tensors);
        expect(after.dataIds).toBe(before.dataIds);
        x.dispose();
      });
    }
  }

  if (backend === 'cpu' || backend === 'wasm') {
    it('sums in float64: 2^24 + 1 + 1 - 2^24 is 2', async () => {
      // In float32, 2^24 + 1 rounds back to 2^24, so a float32 running sum would give 0.
      const x = tensor([2 ** 24, 1, 1, -(2 ** 24)], [4, 1]);
      const s = x.sum(0);
      expect(Array.from(await s.data())).toEqual([2]);
      x.dispose();
      s.dispose();
    });

    it('sums in float64 on rows a multiple of 4 long too (wasm: the SIMD loop), across its blocks of 32 rows', async () => {
      // Column j: 2^24, then 68 ones, then -2^24 (70 rows: three blocks), plus j.
      const values = new Float32Array(70 * 8);
      for (let r = 0; r < 70; r++)
        for (let j = 0; j < 8; j++)
          values[r * 8 + j] = (r === 0 ? 2 ** 24 : r === 69 ? -(2 ** 24) : 1) + (r === 1 ? j : 0);
      const x = tensor(values, [70, 8]);
      const s = x.sum(0);
      expect(Array.from(await s.data())).toEqual([68, 69, 70, 71, 72, 73, 74, 75]);
      const empty = tensor([], [0, 4]);
      const e = empty.sum(0);
      expect(Array.from(await e.data())).toEqual([0, 0, 0, 0]);
      for (const t of [x, s, empty, e]) t.dispose();
    });

    // tfjs 4.22's wasm kernel returns uninitialised memory here, and its webgpu kernel cannot make an
    // empty buffer; Neurite's kernel returns zeros.
    it('sums an empty leading axis to zeros', async () => {
      const x = tensor([], [0, 3]);
      const s = x.sum(0);
      expect(s.shape).toEqual([3]);
      expect(Array.from(await s.data())).toEqual([0, 0, 0]);
      x.dispose();
      s.dispose();
    });
  }

  it("leaves int32 and bool sums to tfjs's kernel (exact, int32 out)", async () => {
    const xi = tensor([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    const si = xi.sum(0);
    expect(si.dtype).toBe('int32');
    expect(Array.from(await si.data())).toEqual([9, 12]);
    const xb = tensor([1, 0, 1, 1], [2, 2], 'bool');
    const sb = xb.sum(0);
    expect(sb.dtype).toBe('int32');
    expect(Array.from(await sb.data())).toEqual([2, 1]);
    for (const t of [xi, si, xb, sb]) t.dispose();
  });
});
