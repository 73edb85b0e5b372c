// Kernel benchmark: Neurite's own kernels against tfjs 4.22's stock kernel on the same backend, and
// against the Neurite kernel they replaced where there was one, all in the same run.
import {
  backend_util,
  engine,
  getBackendPlugin,
  maxPool,
  stockKernel,
  tensor,
  tensor4d,
  useBackend,
} from '@neurite/core';
// Not public API: the wasm filter gradient held to its dilated-conv route, what every shape took before issue 8.
import { wasmConv2DBackpropFilterDilated } from '../packages/core/dist/kernels/conv2d_backprop_filter_wasm.js';
// Not public API: Neurite's own SIMD matrix product, not yet used by any kernel (issue 17).
import { gemmAt, gemmTile } from '../packages/core/dist/simd/gemm.js';
// Not public API either: switches Neurite's WebAssembly SIMD kernels off, to time the paths they replace.
import { heapOffset, useSimdKernels } from '../packages/core/dist/simd/module.js';
// The floats() of @neurite/core/testing, from its vitest-free module (the entry point imports vitest).
import { floats } from '../packages/core/dist/testing/numeric.js';
import { table, writeResults } from './lib.mjs';

// The Keras "simple MNIST convnet" at batch 128: the filter gradient of each conv layer, the gradient
// of both max poolings, and both conv bias gradients (Sum over all axes but the channels).
const CASES = [
  { kernel: 'Conv2D', layer: 'conv2 (32->64)', x: [128, 13, 13, 32], dy: [128, 11, 11, 64] },
  { kernel: 'Conv2D', layer: 'conv1 (1->32)', x: [128, 28, 28, 1], dy: [128, 26, 26, 32] },
  { kernel: 'Conv2DBackpropFilter', layer: 'conv2 (32->64)', x: [128, 13, 13, 32], dy: [128, 11, 11, 64] },
  { kernel: 'Conv2DBackpropFilter', layer: 'conv1 (1->32)', x: [128, 28, 28, 1], dy: [128, 26, 26, 32] },
  { kernel: 'Conv2DBackpropInput', layer: 'conv2 (32->64)', x: [128, 13, 13, 32], dy: [128, 11, 11, 64] },
  { kernel: 'MaxPoolGrad', layer: 'pool1 (2x2)', x: [128, 26, 26, 32], dy: [128, 13, 13, 32] },
  { kernel: 'MaxPoolGrad', layer: 'pool2 (2x2)', x: [128, 11, 11, 64], dy: [128, 5, 5, 64] },
  { kernel: 'Sum', layer: 'conv1 bias grad', x: [128, 26, 26, 32], dy: [32] },
  { kernel: 'Sum', layer: 'conv2 bias grad', x: [128, 11, 11, 64], dy: [64] },
  // The tape's copy of conv1's activation for relu's gradient, and that gradient's float32 -> float32 cast.
  { kernel: 'Identity', layer: 'conv1 act. saved', x: [128, 26, 26, 32], dy: [128, 26, 26, 32] },
  { kernel: 'Cast', layer: 'relu grad mask', x: [128, 26, 26, 32], dy: [128, 26, 26, 32] },
  // The Dense layer's two gradients, each a product with one transposed operand (x holds A, dy holds B).
  { kernel: 'BatchMatMul', layer: 'dense dx = dY W^T', x: [128, 10], dy: [1600, 10], tb: true },
  { kernel: 'BatchMatMul', layer: 'dense dW = X^T dY', x: [128, 1600], dy: [128, 10], ta: true },
  // conv2's products as plain matrix products (patches x filter, and dW with its long K), on wasm beside
  // Neurite's own SIMD gemm, which its convolutions run on.
  { kernel: 'BatchMatMul', layer: 'conv2 fwd as P W', x: [15488, 288], dy: [288, 64], gemm: true },
  { kernel: 'BatchMatMul', layer: 'conv2 dW as X^T dY', x: [288, 15488], dy: [15488, 64], gemm: true },
];

// The MaxPoolGrad loop Neurite shipped before issue 8 (one channel at a time, the window innermost),
// kept here only to time the new one against it.
function previousMaxPoolGradLoop(x, dy, info, dx) {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  dx.fill(0);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++) {
      const yStart = Math.max(0, y * sh - top);
      const yEnd = Math.min(h, y * sh - top + fh);
      for (let xo = 0; xo < ow; xo++) {
        const xStart = Math.max(0, xo * sw - left);
        const xEnd = Math.min(w, xo * sw - left + fw);
        const dyOff = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = Number.NEGATIVE_INFINITY;
          let where = -1;
          for (let iy = yStart; iy < yEnd; iy++)
            for (let ix = xStart; ix < xEnd; ix++) {
              const at = ((b * h + iy) * w + ix) * c + ch;
              if (x[at] > best || where < 0) {
                best = x[at];
                where = at;
              }
            }
          if (where >= 0) dx[where] += dy[dyOff + ch];
        }
      }
    }
}

const previousMaxPoolGrad = {
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs;
    const info = backend_util.computePool2DInfo(input.shape, attrs.filterSize, attrs.strides, 1, attrs.pad);
    if (backend.typedArrayFromHeap) {
      const out = backend.makeOutput(input.shape, 'float32');
      const heap = (t) => backend.typedArrayFromHeap(t);
      previousMaxPoolGradLoop(heap(input), heap(dy), info, heap(out));
      return out;
    }
    const dx = new Float32Array(input.shape.reduce((a, b) => a * b, 1));
    const values = (t) => backend.data.get(t.dataId).values;
    previousMaxPoolGradLoop(values(input), values(dy), info, dx);
    return backend.makeTensorInfo(input.shape, 'float32', dx);
  },
};

// The Neurite kernel each one replaced, by backend/kernel.
const PREVIOUS = {
  'cpu/MaxPoolGrad': previousMaxPoolGrad,
  'wasm/MaxPoolGrad': previousMaxPoolGrad,
  'wasm/Conv2DBackpropFilter': wasmConv2DBackpropFilterDilated,
};
// tfjs's stock cpu Conv2DBackpropFilter takes many seconds at batch 128; time it on a slice of the
// batch. Its cost is linear in the batch, so GFLOP/s (and the ratio) compare like with like.
const STOCK_CPU_BATCH = 16;
// SwiftShader emulates the GPU on the CPU: keep its shapes small, and never read it as a GPU's speed.
const WEBGPU_BATCH = 8;

function withBatch(shape, n) {
  return shape.length === 1 ? shape : [n, ...shape.slice(1)];
}

// Multiply-adds x2 for the conv gradients (the same count for dx and dW); one comparison per input
// element for pooling, one add per input element for Sum, one element moved for Identity and Cast.
function flops(c, xs, dys) {
  if (c.kernel === 'BatchMatMul') return 2 * (c.ta ? xs[1] : xs[0]) * (c.ta ? xs[0] : xs[1]) * (c.tb ? dys[0] : dys[1]);
  if (!c.kernel.startsWith('Conv2D')) return xs.reduce((a, b) => a * b, 1);
  return 2 * dys[0] * dys[1] * dys[2] * dys[3] * 9 * xs[3];
}

// The same inputs serve every call. XNNPACK caches the operand it packs by tensor, so a kernel that
// packed one of these inputs would time faster here than in training, where they are new each step;
// Neurite's wasm kernels pack only tensors they make themselves.
function setup(c, batch) {
  const xs = c.kernel === 'BatchMatMul' ? c.x : withBatch(c.x, batch);
  const dys = c.kernel === 'BatchMatMul' ? c.dy : withBatch(c.dy, batch);
  if (c.kernel === 'BatchMatMul') {
    const a = tensor(floats(xs[0] * xs[1], 1), xs);
    const b = tensor(floats(dys[0] * dys[1], 2), dys);
    return { xs, dys, inputs: { a, b }, attrs: { transposeA: !!c.ta, transposeB: !!c.tb }, all: [a, b] };
  }
  // x as it arrives in training: after a relu, so about half zeros.
  const x = tensor4d(
    floats(
      xs.reduce((a, b) => a * b),
      1,
    ).map((v) => Math.max(v, 0)),
    xs,
  );
  if (c.kernel === 'Sum') {
    return { xs, dys, inputs: { x }, attrs: { axis: [0, 1, 2], keepDims: false }, all: [x] };
  }
  if (c.kernel === 'Identity' || c.kernel === 'Cast') {
    return { xs, dys, inputs: { x }, attrs: c.kernel === 'Cast' ? { dtype: 'float32' } : {}, all: [x] };
  }
  const dy = tensor4d(
    floats(
      dys.reduce((a, b) => a * b),
      2,
    ),
    dys,
  );
  if (c.kernel === 'MaxPoolGrad') {
    const output = maxPool(x, 2, 2, 'valid');
    return {
      xs,
      dys,
      inputs: { dy, input: x, output },
      attrs: { filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
      all: [x, dy, output],
    };
  }
  if (c.kernel === 'Conv2D') {
    const filter = tensor4d(floats(9 * xs[3] * dys[3], 3), [3, 3, xs[3], dys[3]]);
    const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] };
    return { xs, dys, inputs: { x, filter }, attrs, all: [x, dy, filter] };
  }
  if (c.kernel === 'Conv2DBackpropInput') {
    const filter = tensor4d(floats(9 * xs[3] * dys[3], 3), [3, 3, xs[3], dys[3]]);
    const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', inputShape: xs };
    return { xs, dys, inputs: { dy, filter }, attrs, all: [x, dy, filter] };
  }
  const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, xs[3], dys[3]] };
  return { xs, dys, inputs: { x, dy }, attrs, all: [x, dy] };
}

const setUp = new Set();

// One timed implementation of a case: its inputs, and a function that runs it once.
function prepare(backend, c, batch, impl) {
  const { xs, dys, inputs, attrs, all } = setup(c, batch);
  // cpu and wasm kernels have finished when they return; reading their output back would add a copy
  // (11 MB for pool1's dx) that a training step never makes. webgpu's must be waited for.
  const wait = backend === 'webgpu';
  // dY is new at every training step. A kernel that hands dY to XNNPACK as the operand it packs would
  // find it packed already if every call passed the same tensor: give each call its own copy.
  const warmup = impl === 'tfjs' && backend === 'cpu' ? 0 : 2;
  const runs = impl === 'tfjs' && backend === 'cpu' ? 2 : 9;
  const copies = [];
  // The same holds for B of a product (a weight that the optimizer has just changed, or a new dY).
  const fresh = c.kernel === 'BatchMatMul' ? 'b' : c.kernel === 'Conv2D' ? 'filter' : 'dy';
  if (backend === 'wasm' && inputs[fresh] && (c.kernel.startsWith('Conv2D') || c.kernel === 'BatchMatMul')) {
    for (let i = 0; i < warmup + runs; i++) copies.push(inputs[fresh].add(0));
    all.push(...copies);
  }
  let call = 0;
  const args = () => (copies.length ? { ...inputs, [fresh]: copies[call++ % copies.length] } : inputs);
  let fn;
  if (impl === 'gemm') {
    const b = engine().backend;
    const [m, k] = xs;
    const n = dys[1];
    fn = async () => {
      const { a, b: rhs } = args();
      const out = b.makeOutput([m, n], 'float32');
      gemmAt(b, heapOffset(b, a.dataId), heapOffset(b, rhs.dataId), heapOffset(b, out.dataId), m, k, n);
      b.disposeData(out.dataId);
    };
  } else if (impl === 'neurite' || impl === 'no SIMD') {
    fn = async () => {
      if (impl === 'no SIMD') useSimdKernels(false);
      try {
        const out = engine().runKernel(c.kernel, args(), attrs);
        if (wait) await out.data();
        out.dispose();
      } finally {
        useSimdKernels(true);
      }
    };
  } else {
    const kernel = impl === 'previous' ? PREVIOUS[`${backend}/${c.kernel}`] : stockKernel(c.kernel, backend);
    const b = engine().backend;
    // A replaced kernel never had its one-time setup run by the engine (wasm kernels bind C functions there).
    if (kernel.setupFunc && !setUp.has(kernel)) {
      kernel.setupFunc(b);
      setUp.add(kernel);
    }
    fn = async () => {
      const out = kernel.kernelFunc({ inputs: args(), backend: b, attrs });
      if (wait) await b.read(out.dataId);
      b.disposeData(out.dataId);
    };
  }
  return { fn, all, work: flops(c, xs, dys), batch, warmup, runs };
}

// Times the implementations of one case in turns (A, B, C, A, B, C, ...), so that load from other
// processes on a shared machine falls on all of them alike; the median of each (null stays null).
async function timeInTurns(entries) {
  const preps = entries.filter(Boolean);
  for (const p of preps) for (let i = 0; i < p.warmup; i++) await p.fn();
  const times = preps.map(() => []);
  const rounds = Math.max(...preps.map((p) => p.runs));
  for (let r = 0; r < rounds; r++) {
    for (const [i, p] of preps.entries()) {
      if (times[i].length >= p.runs) continue;
      const t0 = performance.now();
      await p.fn();
      times[i].push(performance.now() - t0);
    }
  }
  const results = preps.map((p, i) => {
    for (const t of p.all) t.dispose();
    const sorted = times[i].sort((a, b) => a - b);
    const ms = sorted[Math.floor(sorted.length / 2)];
    return { ms, runs: sorted.length, gflops: p.work / ms / 1e6, batch: p.batch };
  });
  return entries.map((e) => (e ? results[preps.indexOf(e)] : null));
}

async function runCase(backend, c, batch, impl) {
  return (await timeInTurns([prepare(backend, c, batch, impl)]))[0];
}

export async function benchKernels({ backends }) {
  const rows = [];
  for (const backend of backends) {
    await useBackend(backend);
    for (const c of CASES) {
      // The gemm rows are for wasm only: tfjs's cpu product takes seconds at these sizes.
      if (c.gemm && backend !== 'wasm') continue;
      const shapes =
        c.kernel === 'BatchMatMul'
          ? `A[${c.x.join(',')}]${c.ta ? '^T' : ''} x B[${c.dy.join(',')}]${c.tb ? '^T' : ''}`
          : c.kernel.startsWith('Conv2D') || c.kernel === 'MaxPoolGrad'
            ? `x[${c.x.join(',')}] dy[${c.dy.join(',')}]`
            : `x[${c.x.join(',')}] -> [${c.dy.join(',')}]`;
      const base = { kernel: c.kernel, layer: c.layer, backend };
      if (backend === 'webgpu') {
        const r = await runCase(backend, c, WEBGPU_BATCH, 'neurite');
        rows.push({
          ...base,
          shapes: c.kernel === 'BatchMatMul' ? shapes : `${shapes} at batch ${WEBGPU_BATCH}`,
          impl: 'tfjs (stock; SwiftShader)',
          ms: r.ms,
          gflops: r.gflops,
          ratio: null,
        });
        continue;
      }
      const replaced = (getBackendPlugin(backend)?.kernels ?? []).some((k) => k.kernelName === c.kernel);
      if (!replaced) {
        // Neurite has no kernel of its own here: report tfjs's, for reference.
        const r = await runCase(backend, c, c.x[0], 'neurite');
        rows.push({
          ...base,
          shapes,
          impl: 'tfjs (stock; no Neurite kernel)',
          ms: r.ms,
          gflops: r.gflops,
          ratio: null,
        });
        continue;
      }
      const hasPrevious = Boolean(PREVIOUS[`${backend}/${c.kernel}`]);
      const hasStock = Boolean(stockKernel(c.kernel, backend));
      const stockBatch = backend === 'cpu' && c.kernel === 'Conv2DBackpropFilter' ? STOCK_CPU_BATCH : c.x[0];
      // Cases that reach a SIMD kernel of ours (wasm): also time the path it replaced, in the same turns.
      const simd = backend === 'wasm' && (c.kernel === 'MaxPoolGrad' || c.kernel.startsWith('Conv2D'));
      const [ours, before, ref, plain, gemm] = await timeInTurns([
        prepare(backend, c, c.x[0], 'neurite'),
        hasPrevious ? prepare(backend, c, c.x[0], 'previous') : null,
        hasStock ? prepare(backend, c, stockBatch, 'tfjs') : null,
        simd ? prepare(backend, c, c.x[0], 'no SIMD') : null,
        c.gemm ? prepare(backend, c, c.x[0], 'gemm') : null,
      ]);
      // One row per timed implementation; speedup is against the kernel issue 8 replaced, where there is one.
      const row = (impl, r) => ({
        ...base,
        shapes,
        impl,
        ms: r.ms,
        gflops: r.gflops,
        ratio: ref ? r.gflops / ref.gflops : null,
        speedup: before ? before.ms / r.ms : null,
      });
      rows.push(row('neurite', ours));
      if (gemm) rows.push(row(`neurite gemm (SIMD, ${gemmTile().rows}x${gemmTile().cols} tile)`, gemm));
      if (plain) rows.push(row('neurite without SIMD kernels', plain));
      if (before) rows.push(row('neurite before issue 8', before));
      rows.push({
        ...base,
        shapes: ref && ref.batch !== c.x[0] ? `${shapes} at batch ${ref.batch}` : shapes,
        impl: hasStock ? 'tfjs (stock)' : 'tfjs (stock): missing in tfjs 4.22',
        ms: ref?.ms ?? null,
        gflops: ref?.gflops ?? null,
        ratio: ref ? 1 : null,
      });
    }
  }
  return rows;
}

export function printKernels(rows) {
  const fmt = rows.map((r) => ({
    kernel: r.kernel,
    layer: r.layer,
    shapes: r.shapes,
    backend: r.backend,
    impl: r.impl,
    ms: r.ms == null ? '-' : r.ms.toFixed(r.ms < 1 ? 2 : 1),
    'G(FL)OP/s': r.gflops == null ? '-' : r.gflops.toFixed(2),
    'ratio vs stock': r.ratio == null ? '-' : `${r.ratio.toFixed(1)}x`,
    'vs before': r.speedup == null ? '-' : `${r.speedup.toFixed(1)}x`,
  }));
  return table(fmt, ['kernel', 'layer', 'shapes', 'backend', 'impl', 'ms', 'G(FL)OP/s', 'ratio vs stock', 'vs before']);
}

export { writeResults };
