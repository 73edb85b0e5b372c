import { NeuriteError, type Tensor, tensor } from '@neurite/core';

/** One batch from a dataset: inputs and targets. */
export interface Batch {
  xs: Tensor;
  ys: Tensor;
}

/**
 * What fit() and evaluate() accept besides arrays: anything that yields batches, sync or async
 * (@neurite/datasets' Dataset does). Batches are disposed by the loop after use. A source with a
 * numeric `count` (as `BatchedDataset` has: batches per pass) gives progress callbacks their plan.
 */
export type BatchSource = (AsyncIterable<Batch> | Iterable<Batch>) & { readonly count?: number | undefined };

/** Host copies of a tensor pair, so that batches are cut from typed arrays (cheap on every backend). */
export interface HostData {
  x: Float32Array;
  y: Float32Array;
  xShape: number[];
  yShape: number[];
  n: number;
}

export async function toHost(x: Tensor, y: Tensor): Promise<HostData> {
  if (x.shape[0] !== y.shape[0]) {
    throw new NeuriteError(
      `fit: x and y must have the same number of samples. Received x ${JSON.stringify(x.shape)} (${x.shape[0]} samples) ` +
        `and y ${JSON.stringify(y.shape)} (${y.shape[0]} samples).`,
    );
  }
  return {
    x: Float32Array.from(await x.data()),
    y: Float32Array.from(await y.data()),
    xShape: [...x.shape],
    yShape: [...y.shape],
    n: x.shape[0],
  };
}

/** Splits off the last `fraction` of the samples (before any shuffling), as Keras does. */
export function splitHost(d: HostData, fraction: number): [HostData, HostData] {
  const nVal = Math.floor(d.n * fraction);
  const nTrain = d.n - nVal;
  const xs = d.xShape.slice(1).reduce((a, b) => a * b, 1);
  const ys = d.yShape.slice(1).reduce((a, b) => a * b, 1);
  const part = (from: number, to: number): HostData => ({
    x: d.x.subarray(from * xs, to * xs),
    y: d.y.subarray(from * ys, to * ys),
    xShape: [to - from, ...d.xShape.slice(1)],
    yShape: [to - from, ...d.yShape.slice(1)],
    n: to - from,
  });
  return [part(0, nTrain), part(nTrain, d.n)];
}

/** The batches of `d` in the given order, built from typed arrays, from batch `first` on. */
export function* hostBatches(d: HostData, batchSize: number, order?: Uint32Array, first = 0): Generator<Batch> {
  const xs = d.xShape.slice(1).reduce((a, b) => a * b, 1);
  const ys = d.yShape.slice(1).reduce((a, b) => a * b, 1);
  for (let start = first * batchSize; start < d.n; start += batchSize) {
    const size = Math.min(batchSize, d.n - start);
    const bx = new Float32Array(size * xs);
    const by = new Float32Array(size * ys);
    for (let i = 0; i < size; i++) {
      const j = order ? order[start + i] : start + i;
      bx.set(d.x.subarray(j * xs, (j + 1) * xs), i * xs);
      by.set(d.y.subarray(j * ys, (j + 1) * ys), i * ys);
    }
    yield { xs: tensor(bx, [size, ...d.xShape.slice(1)]), ys: tensor(by, [size, ...d.yShape.slice(1)]) };
  }
}

/** The seeded shuffle order of fit's epochs: core's one permutation. */
export { permutation } from '@neurite/core';
