// Kernel benchmark: Neurite's own kernels against tfjs 4.22's stock kernel on the same backend.
import { engine, getBackendPlugin, maxPool, stockKernel, tensor4d, useBackend } from '@neurite/core';
import { table, timeIt, writeResults } from './lib.mjs';

function floats(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

// The Keras "simple MNIST convnet" at batch 128: the filter gradient of each conv layer, and the
// gradient of its first max pooling.
const CASES = [
  { kernel: 'Conv2DBackpropFilter', layer: 'conv2 (32->64)', x: [128, 13, 13, 32], dy: [128, 11, 11, 64] },
  { kernel: 'Conv2DBackpropFilter', layer: 'conv1 (1->32)', x: [128, 28, 28, 1], dy: [128, 26, 26, 32] },
  { kernel: 'Conv2DBackpropInput', layer: 'conv2 (32->64)', x: [128, 13, 13, 32], dy: [128, 11, 11, 64] },
  { kernel: 'MaxPoolGrad', layer: 'pool1 (2x2)', x: [128, 26, 26, 32], dy: [128, 13, 13, 32] },
];
// tfjs's stock cpu Conv2DBackpropFilter takes many seconds at batch 128; time it on a slice of the
// batch. Its cost is linear in the batch, so GFLOP/s (and the ratio) compare like with like.
const STOCK_CPU_BATCH = 16;
// SwiftShader emulates the GPU on the CPU: keep its shapes small, and never read it as a GPU's speed.
const WEBGPU_BATCH = 8;

function withBatch(shape, n) {
  return [n, ...shape.slice(1)];
}

// Multiply-adds x2 for the conv gradients (the same count for dx and dW); one comparison per input
// element for pooling.
function flops(c, xs, dys) {
  if (c.kernel === 'MaxPoolGrad') return xs.reduce((a, b) => a * b, 1);
  return 2 * dys[0] * dys[1] * dys[2] * dys[3] * 9 * xs[3];
}

function setup(c, batch) {
  const xs = withBatch(c.x, batch);
  const dys = withBatch(c.dy, batch);
  // x as it arrives in training: after a relu, so about half zeros.
  const x = tensor4d(
    floats(
      xs.reduce((a, b) => a * b),
      1,
    ).map((v) => Math.max(v, 0)),
    xs,
  );
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
  if (c.kernel === 'Conv2DBackpropInput') {
    const filter = tensor4d(floats(9 * xs[3] * dys[3], 3), [3, 3, xs[3], dys[3]]);
    const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', inputShape: xs };
    return { xs, dys, inputs: { dy, filter }, attrs, all: [x, dy, filter] };
  }
  const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, xs[3], dys[3]] };
  return { xs, dys, inputs: { x, dy }, attrs, all: [x, dy] };
}

const setUp = new Set();

async function runCase(backend, c, batch, impl) {
  const { xs, dys, inputs, attrs, all } = setup(c, batch);
  let fn;
  if (impl === 'neurite') {
    fn = async () => {
      const out = engine().runKernel(c.kernel, inputs, attrs);
      await out.data();
      out.dispose();
    };
  } else {
    const kernel = stockKernel(c.kernel, backend);
    const b = engine().backend;
    // A replaced kernel never had its one-time setup run by the engine (wasm kernels bind C functions there).
    if (kernel.setupFunc && !setUp.has(kernel)) {
      kernel.setupFunc(b);
      setUp.add(kernel);
    }
    fn = async () => {
      const out = kernel.kernelFunc({ inputs, backend: b, attrs });
      await b.read(out.dataId);
      b.disposeData(out.dataId);
    };
  }
  const slow = impl === 'tfjs' && backend === 'cpu';
  const { ms, runs } = await timeIt(fn, { warmup: slow ? 0 : 2, runs: slow ? 2 : 7 });
  for (const t of all) t.dispose();
  const gflops = flops(c, xs, dys) / ms / 1e6;
  return { ms, runs, gflops, batch };
}

export async function benchKernels({ backends }) {
  const rows = [];
  for (const backend of backends) {
    await useBackend(backend);
    for (const c of CASES) {
      const shapes = `x[${c.x.join(',')}] dy[${c.dy.join(',')}]`;
      const base = { kernel: c.kernel, layer: c.layer, backend };
      if (backend === 'webgpu') {
        const r = await runCase(backend, c, WEBGPU_BATCH, 'neurite');
        rows.push({
          ...base,
          shapes: `${shapes} at batch ${WEBGPU_BATCH}`,
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
      const ours = await runCase(backend, c, c.x[0], 'neurite');
      const hasStock = Boolean(stockKernel(c.kernel, backend));
      const stockBatch = backend === 'cpu' && c.kernel === 'Conv2DBackpropFilter' ? STOCK_CPU_BATCH : c.x[0];
      const ref = hasStock ? await runCase(backend, c, stockBatch, 'tfjs') : null;
      rows.push({
        ...base,
        shapes,
        impl: 'neurite',
        ms: ours.ms,
        gflops: ours.gflops,
        ratio: ref ? ours.gflops / ref.gflops : null,
      });
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
    ms: r.ms == null ? '-' : r.ms.toFixed(1),
    'G(FL)OP/s': r.gflops == null ? '-' : r.gflops.toFixed(2),
    'ratio vs stock': r.ratio == null ? '-' : `${r.ratio.toFixed(1)}x`,
  }));
  return table(fmt, ['kernel', 'layer', 'shapes', 'backend', 'impl', 'ms', 'G(FL)OP/s', 'ratio vs stock']);
}

export { writeResults };
