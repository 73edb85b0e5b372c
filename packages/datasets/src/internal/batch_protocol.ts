// What workerBatches (worker_batches.ts) and its worker (batch_worker.ts) send each other. Each
// iteration has an id; the worker makes batches while it holds credits (prefetch at the start, one more
// for each batch the consumer takes) and drops an iteration when told to stop.

/** The worker's workerData. */
export interface WorkerBatchesInit {
  /** The module whose default export builds the pipeline: (args, iteration) => BatchedDataset. */
  module: string;
  args: unknown;
  /** Lower the worker thread's CPU priority. */
  background: boolean;
}

export type ToWorker =
  | { type: 'start'; id: number; iteration: unknown; prefetch: number }
  | { type: 'more'; id: number }
  | { type: 'stop'; id: number };

export type FromWorker =
  | { type: 'batch'; id: number; n: number; x: Float32Array; y: Float32Array; xShape: number[]; yShape: number[] }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; message: string };
