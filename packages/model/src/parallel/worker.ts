// A training worker (Node worker_threads): its own single-threaded tfjs engine on the main thread's
// backend, a replica of the model rebuilt from its config, and a loop that turns a shard of each batch
// into a gradient. Started by pool.ts; never imported by anything else.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { NeuriteError, setSeed, setWasmDir, type Tensor, tensor, tidy, useBackend } from '@neurite/core';
import { type Layer, layerFromConfig } from '@neurite/layers';
import { getLoss } from '@neurite/losses';
import { assemble } from '../architecture.js';
// Registers the nested-model layer, so a graph holding a model as a layer rebuilds here too.
import '../nested.js';
import type { FitModel } from '../contract.js';
import type { OutputObjective } from '../objective.js';
import { gradients, release } from '../step.js';
import {
  COMMAND,
  CONTROL_WORDS,
  DONE,
  GO,
  RELAYOUT,
  SEED,
  type ShardLayout,
  type ShardViews,
  SIZE,
  STOP,
  shardViews,
  type WorkerInit,
  type WorkerMessage,
} from './protocol.js';

const init = workerData as WorkerInit;
const port = parentPort as NonNullable<typeof parentPort>;
const post = (m: WorkerMessage) => port.postMessage(m);

async function setup(): Promise<{ model: FitModel; objective: OutputObjective[] }> {
  setWasmDir(init.wasmDir);
  await useBackend(init.backend as never);
  if (init.workerSetup) {
    const mod = (await import(init.workerSetup)) as { default?: unknown };
    if (typeof mod.default === 'function') await mod.default();
  }
  const layers: Layer[] = init.model.layers.map((l) => {
    try {
      return layerFromConfig(l);
    } catch (e) {
      throw new NeuriteError(
        `fit: training worker ${init.index} cannot rebuild layer '${l.config?.name ?? '?'}' (${l.className}): ` +
          `${(e as Error).message} Layers registered with registerLayers() in the main thread are not registered in ` +
          'worker threads. Use workers: 1, or pass workerSetup: the URL of a module whose default export registers ' +
          'the layer (e.g. export default () => registerLayers([MyLayer], { package: "my-layers" })).',
      );
    }
  });
  const model = assemble(init.model, layers);
  model.build();
  const here = [model.weights.map((w) => w.path).join(', '), model.trainableWeights.map((w) => w.path).join(', ')];
  const there = [init.weights.map((w) => w.path).join(', '), init.trainable.join(', ')];
  if (here[0] !== there[0] || here[1] !== there[1]) {
    throw new NeuriteError(
      `fit: training worker ${init.index} rebuilt the model with other weights than the main thread's. ` +
        `Main: ${there[0]} (trained: ${there[1]}). Worker: ${here[0]} (trained: ${here[1]}). ` +
        "A layer's getConfig() must rebuild it exactly; use workers: 1 until it does.",
    );
  }
  // The losses and their weights; metrics are the main thread's (it counts them on the whole batch).
  const objective = init.objective.map((o, i) => ({
    output: String(i),
    loss: getLoss(o.loss),
    weight: o.weight,
    metrics: [],
    metricSpecs: [],
  }));
  return { model, objective };
}

function makeTensor(view: Float32Array, n: number, shape: number[], dtype: 'float32' | 'int32'): Tensor {
  const size = n * shape.reduce((a, b) => a * b, 1);
  const values = dtype === 'int32' ? Int32Array.from(view.subarray(0, size)) : view.slice(0, size);
  return tensor(values, [n, ...shape], dtype);
}

function run(model: FitModel, objective: OutputObjective[]): void {
  const control = new Int32Array(init.control, init.index * CONTROL_WORDS * 4, CONTROL_WORDS);
  const weightValues = new Float32Array(init.weightBuffer);
  const weights = model.weights;
  const vars = model.trainableWeights.map((w) => w.variable);
  let layout: ShardLayout = init.layout;
  let views: ShardViews = shardViews(init.shard, layout);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, GO, seen);
    seen = Atomics.load(control, GO);
    if (Atomics.load(control, COMMAND) === STOP) return;
    if (Atomics.load(control, RELAYOUT) === 1) {
      // Several layouts may have been posted while this worker had no shard: the last one holds.
      let latest: { layout: ShardLayout; shard: SharedArrayBuffer } | undefined;
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) latest = m.message as typeof latest;
      if (!latest) throw new Error('the main thread announced a new shard layout but sent none');
      layout = latest.layout;
      views = shardViews(latest.shard, layout);
    }
    const n = Atomics.load(control, SIZE);
    setSeed(Atomics.load(control, SEED));
    let at = 0;
    for (const w of weights) {
      const size = w.variable.size;
      const t = tensor(weightValues.slice(at, at + size), w.variable.shape);
      w.variable.assign(t);
      t.dispose();
      at += size;
    }
    tidy(() => {
      const xs = views.x.map((v, k) => makeTensor(v, n, layout.xShapes[k], layout.xDtypes[k]));
      const ys = views.y.map((v, k) => makeTensor(v, n, layout.yShapes[k], layout.yDtypes[k]));
      const g = gradients(model, objective, vars, xs, ys);
      let at = 0;
      for (const v of vars) {
        views.grads.set(g.grads[v.name].dataSync() as Float32Array, at);
        at += v.size;
      }
      g.preds.forEach((p, k) => {
        views.preds[k].set(p.dataSync() as Float32Array);
      });
      release(g);
    });
    Atomics.store(control, DONE, seen);
    Atomics.notify(control, DONE);
  }
}

try {
  const { model, objective } = await setup();
  post({ type: 'ready' });
  // Synchronous from here: the worker blocks in Atomics.wait between steps, the cheapest wake-up.
  run(model, objective);
} catch (e) {
  const err = e as Error;
  post({ type: 'error', message: err?.message ?? String(e), name: err?.name });
}
