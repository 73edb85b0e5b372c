// The worker behind workerBatches: imports the caller's pipeline module, and for each iteration it is
// asked for, builds the pipeline and sends its batches back as transferred typed arrays, never more
// than its credits ahead of the consumer. Started by worker_batches.ts; never imported by anything else.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { HostBatch } from '../batched.js';
import type { FromWorker, ToWorker, WorkerBatchesInit } from './batch_protocol.js';

const init = workerData as WorkerBatchesInit;
const port = parentPort as NonNullable<typeof parentPort>;
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

if (init.background) {
  try {
    setPriority(19); // this thread only, on Linux: training threads come first
  } catch {
    // Not allowed here: the batches are the same, only the scheduling differs.
  }
}

interface Job {
  id: number;
  iteration: unknown;
  credits: number;
  stopped: boolean;
  wake?: (() => void) | undefined;
}

interface Pipeline {
  hostBatches(): AsyncIterable<HostBatch>;
  dataset: { xShape: number[]; yShape: number[] };
}

const jobs = new Map<number, Job>();
let queue: Promise<void> = Promise.resolve();

/** The array itself when it owns its whole buffer (so that transferring it detaches nothing else), else a copy. */
const owned = (a: Float32Array): Float32Array =>
  a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

async function run(job: Job): Promise<void> {
  try {
    const mod = (await import(init.module)) as { default?: unknown };
    if (typeof mod.default !== 'function') {
      throw new Error(
        `its default export must be a function (args, iteration) => BatchedDataset; it is ${describe(mod.default)}.`,
      );
    }
    const pipeline = (await mod.default(init.args, job.iteration)) as Pipeline;
    if (typeof pipeline?.hostBatches !== 'function' || !pipeline.dataset) {
      throw new Error(
        `its default export must return a BatchedDataset (a Dataset's batch(n)); it returned ${describe(pipeline)}.`,
      );
    }
    const { xShape, yShape } = pipeline.dataset;
    for await (const b of pipeline.hostBatches()) {
      while (job.credits === 0 && !job.stopped) {
        await new Promise<void>((resolve) => {
          job.wake = resolve;
        });
      }
      if (job.stopped) return;
      job.credits--;
      const x = owned(b.x);
      const y = owned(b.y);
      post({ type: 'batch', id: job.id, n: b.n, x, y, xShape, yShape }, [
        x.buffer as ArrayBuffer,
        y.buffer as ArrayBuffer,
      ]);
    }
    post({ type: 'end', id: job.id });
  } catch (e) {
    post({ type: 'error', id: job.id, message: e instanceof Error ? e.message : String(e) });
  } finally {
    jobs.delete(job.id);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'start') {
    const job: Job = { id: m.id, iteration: m.iteration, credits: m.prefetch, stopped: false };
    jobs.set(m.id, job);
    // One iteration at a time, in order: a new one starts once the one before it has stopped.
    queue = queue.then(() => (job.stopped ? void jobs.delete(job.id) : run(job)));
    return;
  }
  const job = jobs.get(m.id);
  if (!job) return;
  if (m.type === 'more') job.credits++;
  else job.stopped = true;
  job.wake?.();
  job.wake = undefined;
});
