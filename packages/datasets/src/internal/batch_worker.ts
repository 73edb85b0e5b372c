// The worker behind workerBatches: imports the caller's pipeline module, and for each iteration it is
// asked for, builds the pipeline and sends its batches back as transferred typed arrays, never more
// than its credits ahead of the consumer. Started by worker_batches.ts; never imported by anything else.
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
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

/** What went wrong, and where in the caller's module: its first line in the stack, if any (a syntax error's, a map's). */
function messageOf(e: unknown): string {
  if (!(e instanceof Error)) {
    let shown: string;
    try {
      shown = JSON.stringify(e) ?? String(e);
    } catch {
      shown = String(e);
    }
    return `it threw ${shown}, not an Error`;
  }
  const file = init.module.startsWith('file:') ? init.module : undefined;
  const at = file && e.stack?.split('\n').find((line) => line.includes(file) && !e.message.includes(line.trim()));
  if (at) return `${e.message} (${at.trim()})`;
  // Node's stack for a module that does not parse names no line: `node --check` does.
  if (e instanceof SyntaxError && file) {
    const path = fileURLToPath(file);
    const word = /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
    return `${e.message}. To see where, run: node --check ${word}`;
  }
  return e.message;
}

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
      const hint =
        typeof (pipeline as { batch?: unknown })?.batch === 'function' ? ': a Dataset; call .batch(n) on it' : '';
      throw new Error(
        `its default export must return a BatchedDataset (a Dataset's batch(n)); it returned ${describe(pipeline)}${hint}.`,
      );
    }
    const { xShape, yShape } = pipeline.dataset;
    const shape = (s: unknown): number[] => {
      if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new Error(`its pipeline's dataset has xShape/yShape ${JSON.stringify(s)}; expected arrays of sizes.`);
      }
      return s;
    };
    const [xSize, ySize] = [shape(xShape), shape(yShape)].map((s) => s.reduce((a, b) => a * b, 1));
    let index = 0;
    for await (const b of pipeline.hostBatches()) {
      // What the main thread makes tensors of: checked here, where the pipeline is, with its numbers.
      const ok =
        Number.isInteger(b?.n) &&
        b.n > 0 &&
        b.x instanceof Float32Array &&
        b.y instanceof Float32Array &&
        b.x.length === b.n * xSize &&
        b.y.length === b.n * ySize;
      if (!ok) {
        const len = (a: unknown) => (a instanceof Float32Array ? `${a.length} values` : `a ${describe(a)}`);
        throw new Error(
          `batch ${index} has n ${String(b?.n)}, x ${len(b?.x)} and y ${len(b?.y)}; expected n >= 1, and Float32Arrays of ` +
            `n x ${xSize} and n x ${ySize} values (xShape [${xShape.join(', ')}], yShape [${yShape.join(', ')}]). ` +
            '(An array already sent, and so detached, has 0 values: hostBatches must yield new arrays.)',
        );
      }
      index++;
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
    post({ type: 'error', id: job.id, message: messageOf(e) });
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
