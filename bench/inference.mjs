// Inference benchmark: the reference CNN (bench/reference-model.json, the default CNN: Keras's simple MNIST convnet) predicting one image (latency) and
// a batch of 128 (throughput), in Neurite on each backend, beside two references in the same run: the
// same model, weights and input in tfjs-layers 4.22 (written by @neurite/interchange, loaded by
// tfjs-layers; it runs on the same tfjs engine and backend, so the gap is the layer code), and in
// onnxruntime-web 1.30 (our ONNX export, its wasm execution provider, one and two threads). Outputs are
// compared before anything is timed.
import { memory, tensor, useBackend } from '@neurite/core';
import { exportOnnx, writeLayersModel } from '@neurite/interchange';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-web';
import { table, timeIt } from './lib.mjs';
import { referenceModel } from './train_step.mjs';

const BATCHES = [1, 128];

function pixels(n) {
  const v = new Float32Array(n * 784);
  let s = 7;
  for (let i = 0; i < v.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 32;
  }
  return v;
}

function maxDiff(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

async function loadTfl(written) {
  const specs = written.modelJson.weightsManifest.flatMap((g) => g.weights);
  const w = written.weightData;
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: written.modelJson.modelTopology,
      weightSpecs: specs,
      weightData: w.slice().buffer,
    }),
  );
}

export async function benchInference({ backends }) {
  const rows = [];
  let onnxBytes;
  const want = new Map();
  for (const backend of backends) {
    await useBackend(backend);
    const net = referenceModel();
    net.build();
    const written = await writeLayersModel(net);
    const ref = await loadTfl(written);
    onnxBytes ??= await exportOnnx(net);
    // webgpu here is SwiftShader, a CPU emulator: fewer runs, and never read as a GPU's speed.
    const runs = backend === 'webgpu' ? 3 : 10;
    for (const n of BATCHES) {
      const data = pixels(n);
      const x = tensor(data, [n, 28, 28, 1]);
      const ours = async () => {
        const y = net.predict(x, { batchSize: n });
        const v = await y.data();
        y.dispose();
        return v;
      };
      const theirs = async () => {
        const y = ref.predict(x);
        const v = await y.data();
        y.dispose();
        return v;
      };
      const a = await ours();
      const b = await theirs();
      want.set(n, a);
      const diff = maxDiff(a, b);
      const before = memory().numTensors;
      const t1 = await timeIt(ours, { warmup: 2, runs });
      const t2 = await timeIt(theirs, { warmup: 2, runs });
      const leaked = memory().numTensors - before;
      x.dispose();
      rows.push({
        task: `predict batch ${n}`,
        backend,
        engine: 'neurite',
        ms: t1.ms,
        runs: t1.runs,
        perImageMs: t1.ms / n,
        diff: 0,
        leaked,
      });
      rows.push({
        task: `predict batch ${n}`,
        backend,
        engine: 'tfjs-layers',
        ms: t2.ms,
        runs: t2.runs,
        perImageMs: t2.ms / n,
        diff,
        ratio: t1.ms / t2.ms,
      });
    }
    ref.dispose();
    net.dispose();
  }
  // onnxruntime-web runs on its own wasm build, whatever backend Neurite uses.
  for (const threads of [1, 2]) {
    ort.env.wasm.numThreads = threads;
    const session = await ort.InferenceSession.create(onnxBytes, { executionProviders: ['wasm'] });
    for (const n of BATCHES) {
      const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', pixels(n), [n, 28, 28, 1]) };
      const run = async () => (await session.run(feeds))[session.outputNames[0]].data;
      const diff = maxDiff(await run(), want.get(n));
      const t = await timeIt(run, { warmup: 2, runs: 10 });
      rows.push({
        task: `predict batch ${n}`,
        backend: `ort wasm ${threads}t`,
        engine: 'onnxruntime-web',
        ms: t.ms,
        runs: t.runs,
        perImageMs: t.ms / n,
        diff,
      });
    }
    await session.release();
  }
  // Each Neurite row beside onnxruntime-web on one thread, the like-for-like reference for one core.
  for (const r of rows.filter((x) => x.engine === 'neurite')) {
    const o = rows.find((x) => x.engine === 'onnxruntime-web' && x.task === r.task && x.backend === 'ort wasm 1t');
    r.vsOrt = o ? r.ms / o.ms : undefined;
  }
  return rows;
}

export function printInference(rows) {
  const fmt = rows.map((r) => ({
    task: r.task,
    backend: r.backend,
    engine: r.engine,
    ms: r.ms.toFixed(2),
    'ms/image': r.perImageMs.toFixed(3),
    runs: r.runs,
    'max |diff|': r.diff.toExponential(1),
    'neurite / tfjs-layers': r.engine === 'tfjs-layers' ? `${r.ratio.toFixed(2)}x` : '',
    'neurite / ort 1t': r.vsOrt !== undefined ? `${r.vsOrt.toFixed(2)}x` : '',
  }));
  return table(fmt, [
    'task',
    'backend',
    'engine',
    'ms',
    'ms/image',
    'runs',
    'max |diff|',
    'neurite / tfjs-layers',
    'neurite / ort 1t',
  ]);
}
