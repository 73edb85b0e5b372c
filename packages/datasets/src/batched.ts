import { NeuriteError, type Tensor, tensor } from '@neurite/core';
import type { Sample, SampleStream } from './sample.js';

/** One batch: inputs [n, ...xShape] and targets [n, ...yShape], float32. */
export interface Batch {
  xs: Tensor;
  ys: Tensor;
}

/** One batch as typed arrays: n samples, x [n, ...xShape] and y [n, ...yShape] row-major. */
export interface HostBatch {
  n: number;
  x: Float32Array;
  y: Float32Array;
}

/** Options for Dataset.batch. */
export interface BatchOptions {
  /** Drop the last batch when it is smaller than batchSize. Default false. */
  dropRemainder?: boolean;
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const shape = (s: number[]): string => `[${s.join(', ')}]`;

/**
 * A dataset cut into batches of tensors, one batch at a time, built from typed arrays. It is what
 * model.fit(dataset.batch(32)) reads: the training loop disposes each batch after its step. When you
 * iterate it yourself, dispose `xs` and `ys`.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Dataset } from '@neurite/datasets';
 * await useBackend('cpu');
 * const ds = Dataset.fromArrays({ x: new Float32Array(10), y: new Float32Array(5), xShape: [2], yShape: [] });
 * const batches = ds.batch(2);
 * console.log(batches.count); // 3
 * const shapes: string[] = [];
 * for await (const { xs, ys } of batches) {
 *   shapes.push(`x [${xs.shape}] y [${ys.shape}]`);
 *   xs.dispose();
 *   ys.dispose();
 * }
 * console.log(shapes); // [ 'x [2,2] y [2]', 'x [2,2] y [2]', 'x [1,2] y [1]' ]
 * ```
 */
export class BatchedDataset implements AsyncIterable<Batch> {
  /** Batches per iteration, when the dataset's count is known. */
  readonly count: number | undefined;
  readonly dropRemainder: boolean;

  constructor(
    /** The samples it batches (the Dataset whose batch() made it). */
    readonly dataset: SampleStream,
    readonly batchSize: number,
    options: BatchOptions = {},
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new NeuriteError(
        `Dataset.batch: batchSize must be a positive integer. Received: ${batchSize}. E.g. batch(32).`,
      );
    }
    this.dropRemainder = options.dropRemainder ?? false;
    const n = dataset.count;
    this.count =
      n === undefined ? undefined : this.dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const { xShape, yShape } = this.dataset;
    for await (const b of this.hostBatches()) {
      yield { xs: tensor(b.x, [b.n, ...xShape], 'float32'), ys: tensor(b.y, [b.n, ...yShape], 'float32') };
    }
  }

  /**
   * The same batches as typed arrays, before they become tensors: what a worker thread makes without a
   * backend (workerBatches). Each batch's arrays are new, so they can be transferred or kept.
   */
  async *hostBatches(): AsyncGenerator<HostBatch> {
    const { xShape, yShape } = this.dataset;
    const xs = size(xShape);
    const ys = size(yShape);
    let bx = new Float32Array(this.batchSize * xs);
    let by = new Float32Array(this.batchSize * ys);
    let n = 0;
    let index = 0;
    const check = (s: Sample): void => {
      if (s.x.length === xs && s.y.length === ys) return;
      throw new NeuriteError(
        `Dataset.batch: sample ${index} has ${s.x.length} x values and ${s.y.length} y values; expected ${xs} for ` +
          `xShape ${shape(xShape)} and ${ys} for yShape ${shape(yShape)}. If a map() changed the sizes, ` +
          'pass the new shapes: map(fn, { xShape, yShape }).',
      );
    };
    for await (const s of this.dataset) {
      check(s);
      bx.set(s.x, n * xs);
      by.set(s.y, n * ys);
      n++;
      index++;
      if (n === this.batchSize) {
        yield { n, x: bx, y: by };
        // The backend may keep the array it was given (cpu does): never write into it again.
        bx = new Float32Array(this.batchSize * xs);
        by = new Float32Array(this.batchSize * ys);
        n = 0;
      }
    }
    if (n > 0 && !this.dropRemainder) yield { n, x: bx.slice(0, n * xs), y: by.slice(0, n * ys) };
  }
}
