import { engine, grad, liveTensors, maxPool, type Tensor, type Tensor4D, tensor4d } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import { convGeometry, maxPoolGradReference, type PoolCase } from '../../test/reference.js';

// Odd and even sizes, overlapping (stride < pool), tiling (stride = pool) and gapped (stride > pool)
// windows. The kernel has a fast path for 2x2 stride 2 with every window inside the input (valid, or
// same on even sizes) and a general one for the rest; this grid reaches both.
const grid: PoolCase[] = [];
for (const stride of [1, 2, 3])
  for (const pad of ['same', 'valid'] as const)
    for (const channels of [1, 3])
      for (const pool of [2, 3]) grid.push({ batch: 2, height: 7, width: 6, channels, pool, stride, pad });
for (const pad of ['same', 'valid'] as const)
  for (const [height, width] of [
    [8, 6],
    [5, 9],
  ])
    grid.push({ batch: 3, height, width, channels: 8, pool: 2, stride: 2, pad });

function label(c: PoolCase): string {
  return `x[${c.batch},${c.height},${c.width},${c.channels}] pool ${c.pool} s${c.stride} ${c.pad}`;
}

// Values in [-1, 1), then optionally snapped to a few levels (many ties) or made negative.
function inputs(c: PoolCase, kind: 'spread' | 'ties' | 'negative'): Float32Array {
  const v = floats(c.batch * c.height * c.width * c.channels, 3);
  if (kind === 'ties') return v.map((a) => Math.round(a * 2) / 2);
  if (kind === 'negative') return v.map((a) => -1 - Math.abs(a));
  return v;
}

async function check(c: PoolCase, xv: Float32Array, backend: string): Promise<void> {
  const g = convGeometry({ ...c, inChannels: c.channels, outChannels: c.channels, kernel: [c.pool, c.pool] });
  const dyv = floats(c.batch * g.oh * g.ow * c.channels, 4);
  const x = tensor4d(xv, [c.batch, c.height, c.width, c.channels]);
  const dy = tensor4d(dyv, [c.batch, g.oh, g.ow, c.channels]);
  const before = liveTensors();
  const dx = grad((t) => maxPool(t as Tensor4D, c.pool, c.stride, c.pad).mul(dy))(x);
  expectClose(await dx.data(), maxPoolGradReference(c, xv, dyv), backend);
  dx.dispose();
  expect(liveTensors()).toEqual(before);
  x.dispose();
  dy.dispose();
}

await describeBackends('MaxPoolGrad', (backend) => {
  for (const c of grid) {
    it(`matches the reference: ${label(c)}`, () => check(c, inputs(c, 'spread'), backend));
  }

  for (const c of grid.filter((g) => g.channels !== 1)) {
    // tfjs 4.22's wasm kernel drops the gradient of all-negative windows; every backend here passes it on.
    it(`routes the gradient of all-negative windows: ${label(c)}`, () => check(c, inputs(c, 'negative'), backend));
    // Ties (all-zero windows after a relu) go to the first of the equal values on cpu and wasm. tfjs's
    // webgpu kernel sends them to the last one: a valid subgradient too, so webgpu is left out.
    if (backend !== 'webgpu') {
      it(`sends ties to the first of equals: ${label(c)}`, () => check(c, inputs(c, 'ties'), backend));
    }
  }

  it('routes the gradient of an all-negative window (tfjs 4.22 wasm drops it)', async () => {
    const x = tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
    const dx = grad((t) => maxPool(t as Tensor4D, 2, 2, 'valid').mul(5))(x);
    expect(Array.from(await dx.data())).toEqual([0, 5, 0, 0]);
  });

  // NaN is Neurite's own contract (tfjs's kernels differ among themselves), so only cpu and wasm run it.
  if (backend === 'cpu' || backend === 'wasm') {
    // Each window of 2x2 is one column of four [top-left, top-right, bottom-left, bottom-right] values.
    const windows = [
      [Number.NaN, 1, 2, 3], // a NaN first in the window is never replaced
      [1, Number.NaN, 0, 3],
      [1, 2, Number.NaN, 0],
      [0, 1, Number.NaN, 5], // a NaN first in the bottom row gives way to its neighbour
      [5, 1, Number.NaN, Number.NaN],
      [Number.NaN, Number.NaN, Number.NaN, Number.NaN],
      [-2, -1, Number.NaN, -1],
    ];
    const expected = [0, 3, 1, 3, 0, 0, 1];
    // 2x2 stride 2 valid takes the fast path; the same windows with 'same' padding on one more row take
    // the general one (the extra row's windows hold one value each, which always wins).
    for (const [pad, height] of [
      ['valid', 2],
      ['same', 3],
    ] as const) {
      it(`sends dy past NaN as the sequential scan would (${pad})`, async () => {
        const w = windows.length * 2;
        const xv = new Float32Array(height * w).fill(7);
        windows.forEach(([a, b, c, d], i) => {
          xv.set([a, b], 2 * i);
          xv.set([c, d], w + 2 * i);
        });
        const oh = height === 2 ? 1 : 2;
        const dyv = floats(oh * windows.length, 9);
        const c: PoolCase = { batch: 1, height, width: w, channels: 1, pool: 2, stride: 2, pad };
        const ref = maxPoolGradReference(c, xv, dyv);
        windows.forEach((_, i) => {
          const k = expected[i];
          expect(ref[(k >> 1) * w + 2 * i + (k & 1)]).toBe(dyv[i]); // the reference agrees with the table
        });
        const x = tensor4d(xv, [1, height, w, 1]);
        const dy = tensor4d(dyv, [1, oh, windows.length, 1]);
        const output = maxPool(x, 2, 2, pad);
        const dx = engine().runKernel(
          'MaxPoolGrad',
          { dy, input: x, output },
          { filterSize: [2, 2], strides: [2, 2], pad },
        ) as Tensor;
        expect(Array.from(await dx.data())).toEqual(Array.from(ref));
        for (const t of [x, dy, output, dx]) t.dispose();
      });
    }

    // The same windows side by side in the channels (8 of them: wasm's SIMD path takes 4 at a time), and
    // a window of -0 and 0 ties; every value of dx bit for bit, the zeros of the losers included.
    it('sends dy past NaN, ties and -0 the same way four channels at a time', async () => {
      const cols = [...windows, [-0, 0, 0, -0]];
      const xv = new Float32Array(4 * cols.length);
      cols.forEach((win, ch) => {
        win.forEach((v, k) => {
          xv[k * cols.length + ch] = v;
        });
      });
      const dyv = floats(cols.length, 10);
      const c: PoolCase = { batch: 1, height: 2, width: 2, channels: cols.length, pool: 2, stride: 2, pad: 'valid' };
      const ref = maxPoolGradReference(c, xv, dyv);
      [...expected, 0].forEach((k, ch) => {
        expect(ref[k * cols.length + ch]).toBe(dyv[ch]);
      });
      const x = tensor4d(xv, [1, 2, 2, cols.length]);
      const dy = tensor4d(dyv, [1, 1, 1, cols.length]);
      const output = maxPool(x, 2, 2, 'valid');
      const dx = engine().runKernel(
        'MaxPoolGrad',
        { dy, input: x, output },
        { filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
      ) as Tensor;
      const got = new Uint32Array((await dx.data()).slice().buffer);
      expect(Array.from(got)).toEqual(Array.from(new Uint32Array(Float32Array.from(ref).buffer)));
      for (const t of [x, dy, output, dx]) t.dispose();
    });
  }
});
