// The main thread's side of data-parallel training: starts the workers, owns the shared buffers,
// hands out shards and waits for gradients. The arithmetic of a step is in step.ts.
import type { Worker } from 'node:worker_threads';
import { backendInfo, getWasmDir, NeuriteError, type Variable } from '@neurite/core';
import { startWorker } from '@neurite/core/node';
import { getLoss } from '@neurite/losses';
import type { FitModel } from '../contract.js';
import type { HostBatch, HostPart } from '../step.js';
import {
  COMMAND,
  CONTROL_WORDS,
  DONE,
  GO,
  type HostDtype,
  RELAYOUT,
  SEED,
  type ShardLayout,
  type ShardViews,
  SIZE,
  STEP,
  STOP,
  shardBytes,
  shardViews,
  type WorkerInit,
  type WorkerMessage,
} from './protocol.js';

/** The backends whose engines run in worker threads: tfjs's cpu and (single-threaded) wasm. */
const SUPPORTED = ['cpu', 'wasm'];

type WaitAsync = (a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<unknown> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * Throws unless `fit(..., { workers })` can run here: Node's worker_threads and a cpu or wasm backend.
 * Called before any data is read, so a bad setup fails at once.
 */
export function checkWorkersSupported(model: FitModel, workers: number): void {
  const how = `fit with workers: ${workers}`;
  const node = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (!node || typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') {
    throw new NeuriteError(
      `${model.name}.${how} needs Node's worker_threads and SharedArrayBuffer; this runtime has none (a browser?). ` +
        'Data-parallel training runs in Node on the cpu and wasm backends. Use workers: 1 here.',
    );
  }
  const backend = backendInfo().name;
  if (!SUPPORTED.includes(backend)) {
    throw new NeuriteError(
      `${model.name}.${how}: the active backend '${backend}' cannot run in worker threads. Supported: ${SUPPORTED.join(', ')}. ` +
        `Use workers: 1 on ${backend} (a GPU already runs a batch in parallel), or call useBackend('wasm') before fit.`,
    );
  }
  const { objective } = model.requireCompiled('fit');
  for (const { loss } of objective) {
    try {
      if (loss.custom) throw new Error('custom');
      getLoss({ className: loss.className, config: loss.config });
    } catch {
      throw new NeuriteError(
        `${model.name}.${how}: the loss '${loss.className}' is a custom function, which workers cannot rebuild. ` +
          'Use a built-in loss (by name), or workers: 1.',
      );
    }
    if (loss.config.reduction === 'none') {
      throw new NeuriteError(
        `${model.name}.${how}: the loss must reduce to a scalar ('mean' or 'sum'). Received reduction 'none'.`,
      );
    }
  }
  const reductions = new Set(objective.map((o) => o.loss.config.reduction ?? 'mean'));
  if (reductions.size > 1) {
    throw new NeuriteError(
      `${model.name}.${how}: every output's loss must use the same reduction to combine shard gradients. ` +
        `Received: ${objective.map((o) => `'${o.output}' ${String(o.loss.config.reduction ?? 'mean')}`).join(', ')}. Use one reduction, or workers: 1.`,
    );
  }
}

function hostDtype(dtype: string, what: string): HostDtype {
  if (dtype === 'float32' || dtype === 'int32') return dtype;
  throw new NeuriteError(
    `fit with workers > 1: ${what} must be float32 or int32. Received dtype ${dtype}. Cast it, or use workers: 1.`,
  );
}

/** Worker threads for one fit(): started on the first batch, closed when fit ends. */
export class WorkerPool {
  /** Shards per step: the main thread's and one per worker. */
  readonly size: number;
  /** Paths of the weights the workers differentiate, in the gradient's order. */
  readonly trainable: string[];
  private readonly workers: Worker[];
  private readonly control: Int32Array[];
  private readonly weightValues: Float32Array;
  private layout: ShardLayout;
  private shards: ShardViews[];
  private readonly relayout: boolean[];
  private readonly go: number[];
  private active: number[] = [];
  private closing = false;
  private failure?: Error;
  private readonly failed: Promise<never>;
  private fail: (e: Error) => void = () => {};

  private constructor(workers: Worker[], init: WorkerInit[], shards: SharedArrayBuffer[]) {
    this.workers = workers;
    this.size = workers.length + 1;
    this.trainable = init[0].trainable;
    this.layout = init[0].layout;
    this.shards = shards.map((s) => shardViews(s, this.layout));
    this.control = workers.map((_, i) => new Int32Array(init[0].control, (i + 1) * CONTROL_WORDS * 4, CONTROL_WORDS));
    this.weightValues = new Float32Array(init[0].weightBuffer);
    this.relayout = workers.map(() => false);
    this.go = workers.map(() => 0);
    this.failed = new Promise<never>((_, reject) => {
      this.fail = (e) => {
        if (this.failure || this.closing) return;
        this.failure = e;
        reject(e);
      };
    });
    this.failed.catch(() => {}); // observed by ready() and collect(); never an unhandled rejection
    workers.forEach((w, i) => {
      const who = `training worker ${i + 1}`;
      w.on('message', (m: WorkerMessage) => {
        if (m.type !== 'error') return;
        this.fail(new NeuriteError(m.name === 'NeuriteError' ? m.message : `fit: ${who} failed: ${m.message}`));
      });
      w.on('error', (e) => this.fail(new NeuriteError(`fit: ${who} failed: ${e.message}`)));
      w.on('exit', (code) =>
        this.fail(
          new NeuriteError(
            `fit: ${who} stopped unexpectedly (exit code ${code}). Run with workers: 1 to see the error in the main thread.`,
          ),
        ),
      );
    });
  }

  /** Starts `workers - 1` workers with a replica of the model, sized for the first batch. */
  static async start(
    model: FitModel,
    vars: Variable[],
    batch: HostBatch,
    options: { workers: number; workerSetup?: string | URL },
  ): Promise<WorkerPool> {
    const { objective } = model.requireCompiled('fit');
    const json = model.toJSON();
    const byVariable = new Map(model.weights.map((w) => [w.variable, w.path]));
    const weights = model.weights.map((w) => ({ path: w.path, shape: [...w.variable.shape] }));
    const total = model.weights.reduce((n, w) => n + w.variable.size, 0);
    const layout = WorkerPool.layoutFor(model, vars, batch, options.workers);
    const control = new SharedArrayBuffer(options.workers * CONTROL_WORDS * 4);
    const weightBuffer = new SharedArrayBuffer(Math.max(total, 1) * 4);
    const setup = options.workerSetup;
    const workerSetup =
      setup === undefined ? undefined : setup instanceof URL ? setup.href : await moduleUrl(setup, model.name);
    const inits: WorkerInit[] = [];
    const shards: SharedArrayBuffer[] = [];
    for (let i = 1; i < options.workers; i++) {
      const shard = new SharedArrayBuffer(shardBytes(layout));
      shards.push(shard);
      inits.push({
        index: i,
        backend: backendInfo().name,
        wasmDir: getWasmDir(),
        model: json,
        objective: objective.map((o) => ({
          loss: { className: o.loss.className, config: o.loss.config },
          weight: o.weight,
        })),
        weights,
        trainable: vars.map((v) => byVariable.get(v) as string),
        control,
        weightBuffer,
        layout,
        shard,
        workerSetup,
      });
    }
    // Compiled beside this file into dist/parallel/, which the package ships. startWorker passes on the
    // process's flags as far as a worker takes them (`node --input-type=module -e`, --max-old-space-size).
    const url = new URL('./worker.js', import.meta.url);
    const workers: Worker[] = [];
    try {
      for (const init of inits) workers.push(await startWorker(url, { workerData: init }));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    const pool = new WorkerPool(workers, inits, shards);
    try {
      await pool.ready();
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private static layoutFor(model: FitModel, vars: Variable[], batch: HostBatch, workers: number): ShardLayout {
    const outShapes = model.outputShapes.map((s) => {
      const out = s.slice(1);
      if (out.some((d) => d === null)) {
        throw new NeuriteError(
          `${model.name}.fit with workers > 1 needs fixed output shapes. Received [batch, ${out.join(', ')}]. Use workers: 1.`,
        );
      }
      return out as number[];
    });
    return {
      capacity: Math.ceil(batch.n / workers),
      xShapes: batch.x.map((p) => p.shape),
      yShapes: batch.y.map((p) => p.shape),
      outShapes,
      xDtypes: batch.x.map((p) => hostDtype(p.dtype, 'x')),
      yDtypes: batch.y.map((p) => hostDtype(p.dtype, 'y')),
      params: vars.reduce((n, v) => n + v.size, 0),
    };
  }

  private async ready(): Promise<void> {
    const ready = this.workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          const on = (m: WorkerMessage) => {
            if (m.type !== 'ready') return;
            w.off('message', on);
            resolve();
          };
          w.on('message', on);
        }),
    );
    await Promise.race([Promise.all(ready), this.failed]);
  }

  /** Whether this pool trains exactly `vars` (a callback may freeze a layer between epochs). */
  trains(model: FitModel, vars: Variable[]): boolean {
    const byVariable = new Map(model.weights.map((w) => [w.variable, w.path]));
    return vars.length === this.trainable.length && vars.every((v, i) => byVariable.get(v) === this.trainable[i]);
  }

  /** Copies every weight's current value where the workers read it at the start of a step. */
  async writeWeights(model: FitModel): Promise<void> {
    let at = 0;
    for (const w of model.weights) {
      this.weightValues.set((await w.variable.data()) as Float32Array, at);
      at += w.variable.size;
    }
  }

  /**
   * Copies each worker's shard of the batch into its buffer and wakes it. `sizes[0]` samples, the first,
   * are the main thread's; `seeds[i]` seeds worker i's random ops. Workers with an empty shard sleep on.
   */
  dispatch(model: FitModel, vars: Variable[], batch: HostBatch, sizes: number[], seeds: number[]): void {
    if (this.failure) throw this.failure;
    const need = WorkerPool.layoutFor(model, vars, batch, this.size);
    const l = this.layout;
    const key = (m: ShardLayout) => JSON.stringify([m.xShapes, m.yShapes, m.xDtypes, m.yDtypes]);
    if (need.capacity > l.capacity || key(need) !== key(l)) {
      // A larger batch or other targets than the first batch's: new buffers, announced with the next step.
      this.layout = { ...need, capacity: Math.max(need.capacity, l.capacity) };
      this.shards = this.workers.map((w, i) => {
        const shard = new SharedArrayBuffer(shardBytes(this.layout));
        w.postMessage({ layout: this.layout, shard });
        this.relayout[i] = true;
        return shardViews(shard, this.layout);
      });
    }
    this.active = [];
    let from = sizes[0];
    for (let i = 0; i < this.workers.length; i++) {
      const count = sizes[i + 1];
      if (count === 0) continue;
      const view = this.shards[i];
      batch.x.forEach((p, k) => {
        view.x[k].set(cut(p, from, count));
      });
      batch.y.forEach((p, k) => {
        view.y[k].set(cut(p, from, count));
      });
      from += count;
      const c = this.control[i];
      Atomics.store(c, SIZE, count);
      Atomics.store(c, SEED, seeds[i + 1]);
      Atomics.store(c, COMMAND, STEP);
      Atomics.store(c, RELAYOUT, this.relayout[i] ? 1 : 0);
      this.relayout[i] = false;
      this.go[i]++;
      Atomics.store(c, GO, this.go[i]);
      Atomics.notify(c, GO);
      this.active.push(i);
    }
  }

  /** Waits for every worker woken by dispatch(); rejects with a worker's error instead of hanging. */
  async collect(): Promise<void> {
    await Promise.race([Promise.all(this.active.map((i) => this.done(i))), this.failed]);
  }

  private async done(i: number): Promise<void> {
    const c = this.control[i];
    for (;;) {
      const v = Atomics.load(c, DONE);
      if (v === this.go[i] || this.failure || this.closing) return;
      const r = waitAsync(c, DONE, v);
      if (r.async) await r.value;
    }
  }

  /** Worker i's (1-based) results from the last step: gradient and predictions. */
  results(i: number): ShardViews {
    return this.shards[i - 1];
  }

  /** The per-sample shape of each output the workers predict. */
  get outShapes(): number[][] {
    return this.layout.outShapes;
  }

  /** Stops and terminates every worker; safe to call twice. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.control.forEach((c, i) => {
      Atomics.store(c, COMMAND, STOP);
      Atomics.store(c, GO, ++this.go[i]);
      Atomics.notify(c, GO);
      // Wake a collect() that is still waiting, e.g. after the main thread's own shard threw.
      Atomics.notify(c, DONE);
    });
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Samples [from, from + count) of a part's values. */
function cut(p: HostPart, from: number, count: number): Float32Array | Int32Array {
  const size = p.shape.reduce((a, b) => a * b, 1);
  return p.values.subarray(from * size, (from + count) * size);
}

/** workerSetup as a URL: workers resolve relative and bare specifiers from @neurite/model's folder, not the caller's. */
async function moduleUrl(spec: string, name: string): Promise<string> {
  if (/^(file|data|node):/.test(spec)) return spec;
  const { isAbsolute } = await import('node:path');
  if (isAbsolute(spec)) return (await import('node:url')).pathToFileURL(spec).href;
  throw new NeuriteError(
    `${name}.fit: workerSetup must be a URL or an absolute path. Received: ${JSON.stringify(spec)}. ` +
      "Pass e.g. new URL('./worker-setup.js', import.meta.url).",
  );
}
