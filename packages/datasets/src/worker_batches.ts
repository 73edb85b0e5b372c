// Batches made in a worker thread (Node's worker_threads), ahead of the loop that trains on them: a
// pipeline of maps (augmentation) costs the training loop nothing but the wait for a batch it has not
// made yet. The pipeline is built inside the worker by a module of the caller's, since functions cannot
// cross threads; the batches come back as typed arrays (transferred, not copied) and become tensors here.
// The worker script is internal/batch_worker.ts.
import type { Worker } from 'node:worker_threads';
import { NeuriteError, tensor } from '@neurite/core';
import { startWorker } from '@neurite/core/node';
import type { Batch } from './batched.js';
import type { FromWorker, ToWorker, WorkerBatchesInit } from './internal/batch_protocol.js';

/** Options for workerBatches. */
export interface WorkerBatchesOptions {
  /**
   * Handed to the module's function in the worker (structured-cloned: typed arrays over a
   * SharedArrayBuffer are shared, other arrays copied once, when the worker starts).
   */
  args?: unknown;
  /**
   * Called as each iteration starts (each epoch of fit); its value, cloned, is the module function's
   * second argument: e.g. the epoch, from which the pipeline picks that epoch's seed.
   */
  iteration?: () => unknown;
  /** Batches the worker makes ahead of the one being consumed. Default 4. */
  prefetch?: number;
  /** Batches per iteration, when known (fit's progress reads `count`). */
  count?: number;
  /**
   * Runs the worker at the lowest CPU priority (on Linux, nice 19 for its thread alone), so that it uses
   * the cycles the training threads leave idle and never slows a step down. Default true.
   */
  background?: boolean;
}

const MAX_PREFETCH = 64;

/**
 * A source of batches, made in a worker thread by a pipeline a module builds there: the module's default
 * export is called as `fn(args, iteration)` at the start of each iteration and returns a BatchedDataset
 * (e.g. `Dataset.fromArrays(...).shuffle(seed).map(augmentSamples(...)).batch(64)`), whose batches are
 * made while the consumer works on earlier ones, up to `prefetch` ahead. The batches are exactly those the
 * same pipeline gives on this thread. Node only. Pass it to `model.fit` as any batch source; call
 * `close()` when done (an idle worker never keeps the process alive).
 *
 * @example
 * ```ts
 * import { rmSync, writeFileSync } from 'node:fs';
 * import { useBackend } from '@neurite/core';
 * import { workerBatches } from '@neurite/datasets';
 * await useBackend('cpu');
 * // The pipeline, as a module beside this one: 10 samples of 2 values, doubled, in batches of 4.
 * const module = new URL('./doubled-pipeline.mjs', import.meta.url);
 * writeFileSync(
 *   module,
 *   "import { Dataset } from '@neurite/datasets';\n" +
 *     'export default (args, epoch) => Dataset.fromArrays({ x: args.x, y: args.y, xShape: [2], yShape: [] })\n' +
 *     '  .shuffle(epoch).map((s) => ({ x: s.x.map((v) => v * 2), y: s.y })).batch(4);\n',
 * );
 * const x = Float32Array.from({ length: 20 }, (_, i) => i);
 * const y = Float32Array.from({ length: 10 }, (_, i) => i);
 * let epoch = 0;
 * const batches = workerBatches(module, { args: { x, y }, iteration: () => epoch, count: 3 });
 * const sizes: number[] = [];
 * for await (const { xs, ys } of batches) {
 *   sizes.push(xs.shape[0]);
 *   xs.dispose();
 *   ys.dispose();
 * }
 * console.log(sizes); // [ 4, 4, 2 ]
 * await batches.close();
 * rmSync(module);
 * ```
 */
export function workerBatches(module: string | URL, options: WorkerBatchesOptions = {}): WorkerBatches {
  return new WorkerBatches(module, options);
}

interface Pending {
  messages: FromWorker[];
  wake?: (() => void) | undefined;
  /** Why this iteration can go no further (a newer one started, the source closed). */
  ended?: Error | undefined;
}

const superseded = () =>
  new NeuriteError(
    'workerBatches: a newer iteration of this source started before this one ended, and only the newest is served. ' +
      'Iterate it once at a time (as fit does, epoch by epoch), or make a source per consumer.',
  );

/** What workerBatches returns: an async iterable of { xs, ys } batches, and close(). */
export class WorkerBatches implements AsyncIterable<Batch> {
  readonly count: number | undefined;
  private worker?: Promise<Worker>;
  private failure?: Error;
  private iterations = 0;
  private readonly jobs = new Map<number, Pending>();
  private readonly prefetch: number;
  private closed = false;
  /** Consumers waiting on the worker: it keeps the process alive while there is one. */
  private waiting = 0;

  constructor(
    private readonly module: string | URL,
    private readonly options: WorkerBatchesOptions,
  ) {
    const { prefetch = 4, count, background = true } = options;
    const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
    if (typeof prefetch !== 'number' || !Number.isInteger(prefetch) || prefetch < 1 || prefetch > MAX_PREFETCH) {
      throw new NeuriteError(
        `workerBatches: prefetch must be an integer from 1 to ${MAX_PREFETCH} (batches made ahead). Received: ${shown(prefetch)}.`,
      );
    }
    if (count !== undefined && !(typeof count === 'number' && Number.isSafeInteger(count) && count >= 0)) {
      throw new NeuriteError(`workerBatches: count must be a whole number of batches. Received: ${shown(count)}.`);
    }
    if (typeof background !== 'boolean') {
      throw new NeuriteError(`workerBatches: background must be true or false. Received: ${shown(background)}.`);
    }
    if (options.iteration !== undefined && typeof options.iteration !== 'function') {
      throw new NeuriteError(
        `workerBatches: iteration must be a function called as each iteration starts, e.g. () => epoch. Received: ${shown(options.iteration)}.`,
      );
    }
    const node = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
    if (!node) {
      throw new NeuriteError(
        "workerBatches needs Node's worker_threads; this runtime has none (a browser?). Iterate the pipeline's BatchedDataset on this thread instead.",
      );
    }
    checkModule(module);
    this.prefetch = prefetch;
    this.count = count;
  }

  /** Starts an iteration (reading `iteration()` now, as fit starts an epoch) and returns its batches. */
  [Symbol.asyncIterator](): AsyncIterator<Batch> {
    if (this.closed) throw new NeuriteError('workerBatches: the source is closed; make a new one to iterate again.');
    const iteration = this.options.iteration?.();
    const id = ++this.iterations;
    // Only the newest iteration is served: an older one still open ends, with an error, and is stopped.
    for (const [old, p] of this.jobs) {
      p.ended ??= superseded();
      p.wake?.();
      this.stop(old);
    }
    const pending: Pending = { messages: [] };
    this.jobs.set(id, pending);
    return this.batches(id, iteration, pending);
  }

  /** Stops the worker thread; an iteration in progress, or one started before, ends with an error. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.jobs.values()) {
      p.ended ??= new NeuriteError('workerBatches: the source was closed during an iteration.');
      p.wake?.();
    }
    this.jobs.clear();
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    this.failure ??= new NeuriteError('workerBatches: the source is closed; make a new one to iterate again.');
    await (await worker.catch(() => undefined))?.terminate();
  }

  private async *batches(id: number, iteration: unknown, pending: Pending): AsyncGenerator<Batch> {
    try {
      if (pending.ended) throw pending.ended;
      const worker = await this.start();
      // Superseded or closed while the worker started: it must never hear of this iteration.
      if (pending.ended) throw pending.ended;
      try {
        this.post(worker, { type: 'start', id, iteration, prefetch: this.prefetch });
      } catch (e) {
        throw new NeuriteError(
          `workerBatches: iteration() must return what a worker can receive (numbers, strings, plain objects, arrays). ${(e as Error).message}`,
        );
      }
      for (;;) {
        const m = await this.next(pending, worker);
        if (m.type === 'end') return;
        if (m.type === 'error') {
          throw new NeuriteError(
            `workerBatches: the pipeline in ${String(this.module)} failed in its worker: ${m.message}`,
          );
        }
        this.post(worker, { type: 'more', id });
        yield {
          xs: tensor(m.x, [m.n, ...m.xShape], 'float32'),
          ys: tensor(m.y, [m.n, ...m.yShape], 'float32'),
        };
      }
    } finally {
      this.stop(id);
    }
  }

  private stop(id: number): void {
    if (!this.jobs.delete(id)) return;
    void this.worker?.then((w) => this.post(w, { type: 'stop', id })).catch(() => {});
  }

  private post(worker: Worker, m: ToWorker): void {
    if (!this.failure) worker.postMessage(m);
  }

  /** The iteration's next message. The worker keeps the process alive only while a consumer waits on it. */
  private async next(pending: Pending, worker: Worker): Promise<FromWorker> {
    for (;;) {
      if (pending.ended) throw pending.ended;
      if (this.failure) throw this.failure;
      const m = pending.messages.shift();
      if (m) return m;
      if (this.waiting++ === 0) worker.ref();
      try {
        await new Promise<void>((resolve) => {
          pending.wake = resolve;
        });
      } finally {
        if (--this.waiting === 0) worker.unref();
        pending.wake = undefined;
      }
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.jobs.values()) p.wake?.();
  }

  private start(): Promise<Worker> {
    if (this.closed)
      return Promise.reject(new NeuriteError('workerBatches: the source is closed; make a new one to iterate again.'));
    this.worker ??= (async () => {
      const init: WorkerBatchesInit = {
        module: await moduleUrl(this.module),
        args: this.options.args,
        background: this.options.background ?? true,
      };
      let worker: Worker;
      try {
        // Compiled beside this file into dist/internal/, which the package ships.
        worker = await startWorker(new URL('./internal/batch_worker.js', import.meta.url), { workerData: init });
      } catch (e) {
        const err = e as Error;
        throw new NeuriteError(
          err.name === 'DataCloneError'
            ? `workerBatches: args must be what a worker can receive (numbers, strings, plain objects, arrays, typed arrays): ${err.message}`
            : `workerBatches: could not start its worker thread: ${err.message}`,
        );
      }
      worker.unref();
      worker.on('message', (m: FromWorker) => {
        const p = this.jobs.get(m.id);
        if (!p) return; // a stopped iteration's last batches
        p.messages.push(m);
        p.wake?.();
      });
      worker.on('error', (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        this.fail(new NeuriteError(`workerBatches: the worker for ${String(this.module)} failed: ${message}`));
      });
      worker.on('exit', (code) => {
        if (!this.closed)
          this.fail(new NeuriteError(`workerBatches: the worker stopped unexpectedly (exit code ${code}).`));
      });
      return worker;
    })();
    return this.worker;
  }
}

const MODULE_HELP = "Pass a file: URL or an absolute path, e.g. new URL('./pipeline.js', import.meta.url).";

/** A module the worker can import: a file: or data: URL, or an absolute path. Checked before any thread starts. */
function checkModule(spec: string | URL): void {
  const s = String(spec);
  if (/^(file|data):/.test(s) || s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\')) return;
  const what = /^[a-z][a-z0-9+.-]*:/i.test(s)
    ? `a ${s.split(':')[0]}: URL, which a worker thread cannot import`
    : 'a relative path';
  throw new NeuriteError(
    `workerBatches: module must be a file: or data: URL, or an absolute path. Received: ${JSON.stringify(s)} (${what}). ${MODULE_HELP}`,
  );
}

/** The module as a URL for the worker's import(): a URL as given, or an absolute path made a file URL. */
async function moduleUrl(spec: string | URL): Promise<string> {
  const s = String(spec);
  if (/^(file|data):/.test(s)) return s;
  return (await import('node:url')).pathToFileURL(s).href;
}
