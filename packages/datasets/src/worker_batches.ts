// Batches made in a worker thread (Node's worker_threads), ahead of the loop that trains on them: a
// pipeline of maps (augmentation) costs the training loop nothing but the wait for a batch it has not
// made yet. The pipeline is built inside the worker by a module of the caller's, since functions cannot
// cross threads; the batches come back as typed arrays (transferred, not copied) and become tensors here.
// The worker script is internal/batch_worker.ts.
import type { Worker } from 'node:worker_threads';
import { NeuriteError, tensor } from '@neurite/core';
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
}

/** What workerBatches returns: an async iterable of { xs, ys } batches, and close(). */
export class WorkerBatches implements AsyncIterable<Batch> {
  readonly count: number | undefined;
  private worker?: Promise<Worker>;
  private failure?: Error;
  private iterations = 0;
  private readonly jobs = new Map<number, Pending>();
  private readonly prefetch: number;
  private closed = false;

  constructor(
    private readonly module: string | URL,
    private readonly options: WorkerBatchesOptions,
  ) {
    const { prefetch = 4, count } = options;
    if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > MAX_PREFETCH) {
      throw new NeuriteError(
        `workerBatches: prefetch must be an integer from 1 to ${MAX_PREFETCH} (batches made ahead). Received: ${String(prefetch)}.`,
      );
    }
    if (count !== undefined && !(Number.isSafeInteger(count) && count >= 0)) {
      throw new NeuriteError(`workerBatches: count must be a whole number of batches. Received: ${String(count)}.`);
    }
    const node = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
    if (!node) {
      throw new NeuriteError(
        "workerBatches needs Node's worker_threads; this runtime has none (a browser?). Iterate the pipeline's BatchedDataset on this thread instead.",
      );
    }
    this.prefetch = prefetch;
    this.count = count;
  }

  /** Starts an iteration (reading `iteration()` now, as fit starts an epoch) and returns its batches. */
  [Symbol.asyncIterator](): AsyncIterator<Batch> {
    if (this.closed) throw new NeuriteError('workerBatches: the source is closed; make a new one to iterate again.');
    const id = ++this.iterations;
    const iteration = this.options.iteration?.();
    // Only the newest iteration is served: an older one still open is stopped.
    for (const old of this.jobs.keys()) this.stop(old);
    const pending: Pending = { messages: [] };
    this.jobs.set(id, pending);
    return this.batches(id, iteration, pending);
  }

  /** Stops the worker thread (an iteration in progress ends with an error). */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    this.fail(new NeuriteError('workerBatches: the source was closed during an iteration.'));
    await (await worker.catch(() => undefined))?.terminate();
  }

  private async *batches(id: number, iteration: unknown, pending: Pending): AsyncGenerator<Batch> {
    const worker = await this.start();
    this.post(worker, { type: 'start', id, iteration, prefetch: this.prefetch });
    try {
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

  /** The iteration's next message. The worker keeps the process alive only while this waits on it. */
  private async next(pending: Pending, worker: Worker): Promise<FromWorker> {
    for (;;) {
      const m = pending.messages.shift();
      if (m) return m;
      if (this.failure) throw this.failure;
      worker.ref();
      try {
        await new Promise<void>((resolve) => {
          pending.wake = resolve;
        });
      } finally {
        worker.unref();
        pending.wake = undefined;
      }
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.jobs.values()) p.wake?.();
  }

  private start(): Promise<Worker> {
    this.worker ??= (async () => {
      const { Worker } = await import('node:worker_threads');
      const init: WorkerBatchesInit = {
        module: await moduleUrl(this.module),
        args: this.options.args,
        background: this.options.background ?? true,
      };
      // Compiled beside this file into dist/internal/, which the package ships.
      // Workers inherit the process's flags, but `node --input-type=module -e` would make the worker fail.
      const execArgv = process.execArgv.filter(
        (a, i, all) => !a.startsWith('--input-type') && all[i - 1] !== '--input-type',
      );
      let worker: Worker;
      try {
        worker = new Worker(new URL('./internal/batch_worker.js', import.meta.url), { workerData: init, execArgv });
      } catch (e) {
        throw new NeuriteError(
          `workerBatches: args must be what a worker can receive (numbers, strings, plain objects, arrays, typed arrays): ${(e as Error).message}`,
        );
      }
      worker.unref();
      worker.on('message', (m: FromWorker) => {
        const p = this.jobs.get(m.id);
        if (!p) return; // a stopped iteration's last batches
        p.messages.push(m);
        p.wake?.();
      });
      worker.on('error', (e) => {
        this.fail(new NeuriteError(`workerBatches: the worker for ${String(this.module)} failed: ${e.message}`));
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

/** A module for the worker to import: a URL as given, or an absolute path made a file URL. */
async function moduleUrl(spec: string | URL): Promise<string> {
  const s = String(spec);
  if (/^(file|data):/.test(s)) return s;
  const { isAbsolute } = await import('node:path');
  if (isAbsolute(s)) return (await import('node:url')).pathToFileURL(s).href;
  throw new NeuriteError(
    `workerBatches: module must be a URL or an absolute path. Received: ${JSON.stringify(s)}. ` +
      "Pass e.g. new URL('./pipeline.js', import.meta.url).",
  );
}
