// The leaf of the pipeline's types: what a sample is and what a batcher reads. dataset.ts, batched.ts
// and internal/shuffle.ts import it, so the pipeline's modules keep no import cycle.

/** One example: its input and target values, row-major, shaped by the dataset's xShape and yShape. */
export interface Sample {
  x: Float32Array;
  y: Float32Array;
}

/** What a dataset yields each time it is iterated. */
export type SampleSource = AsyncIterable<Sample> | Iterable<Sample>;

/** What BatchedDataset reads: samples of fixed shapes, and how many when known (a Dataset is one). */
export interface SampleStream extends AsyncIterable<Sample> {
  readonly xShape: number[];
  readonly yShape: number[];
  readonly count: number | undefined;
}
