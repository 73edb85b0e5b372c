import { NeuriteError } from '@neurite/core';
import { BatchedDataset, type BatchOptions } from './batched.js';
import { checkSeed } from './internal/prng.js';
import { bufferedShuffle, fullShuffle } from './internal/shuffle.js';
import type { Sample, SampleSource } from './sample.js';

export type { Sample, SampleSource } from './sample.js';

/** Options for Dataset.shuffle. */
export interface ShuffleOptions {
  /** Samples held at once; default: all of them (a full shuffle, needs a known count). */
  bufferSize?: number;
  /** Iteration k (0, 1, ...) of this shuffle uses seed + k, instead of seed every time. Default false. */
  reshuffleEachIteration?: boolean;
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function checkCount(where: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new NeuriteError(`${where}: ${name} must be a non-negative integer. Received: ${n}.`);
  }
}

/**
 * A lazy, re-iterable pipeline of samples with fixed shapes (xShape and yShape exclude the batch). Every
 * operation returns a new Dataset; nothing runs until it is iterated (`for await`), and each iteration
 * starts again from the source. `batch(size)` makes the batches of tensors that model.fit accepts.
 * Samples from arrays are views of them: map functions should return new arrays, not write in place.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Dataset } from '@neurite/datasets';
 * await useBackend('cpu');
 * const x = Float32Array.from({ length: 10 }, (_, i) => i); // 5 samples of 2 features
 * const y = new Float32Array([0, 1, 0, 1, 0]);
 * const ds = Dataset.fromArrays({ x, y, xShape: [2], yShape: [1] }).shuffle(1).take(4);
 * for await (const s of ds) console.log(Array.from(s.x), s.y[0]); // 4 of the 5 samples, shuffled
 * const shapes: string[] = [];
 * for await (const { xs, ys } of ds.batch(3)) {
 *   shapes.push(`x [${xs.shape}] y [${ys.shape}]`);
 *   xs.dispose();
 *   ys.dispose();
 * }
 * console.log(shapes); // [ 'x [3,2] y [3,1]', 'x [1,2] y [1,1]' ]
 * ```
 */
export class Dataset implements AsyncIterable<Sample> {
  private constructor(
    private readonly source: () => SampleSource,
    readonly xShape: number[],
    readonly yShape: number[],
    /** The number of samples, when known (undefined for generators given no count). */
    readonly count: number | undefined,
  ) {}

  /** Samples i = 0..count-1 cut from row-major arrays: x[i * size(xShape) ...], y[i * size(yShape) ...]. */
  static fromArrays(a: {
    x: Float32Array;
    y: Float32Array;
    xShape: number[];
    yShape: number[];
    count?: number;
  }): Dataset {
    const xs = size(a.xShape);
    const ys = size(a.yShape);
    const count = a.count ?? a.x.length / xs;
    checkCount('Dataset.fromArrays', 'count', count);
    if (a.x.length !== count * xs || a.y.length !== count * ys) {
      throw new NeuriteError(
        `Dataset.fromArrays: expected x of ${count} x ${xs} = ${count * xs} values and y of ${count} x ${ys} = ` +
          `${count * ys} values for ${count} samples of xShape [${a.xShape.join(', ')}] and yShape ` +
          `[${a.yShape.join(', ')}]. Received x of ${a.x.length} and y of ${a.y.length}. Check the shapes and count.`,
      );
    }
    const { x, y } = a;
    return new Dataset(
      function* () {
        for (let i = 0; i < count; i++)
          yield { x: x.subarray(i * xs, (i + 1) * xs), y: y.subarray(i * ys, (i + 1) * ys) };
      },
      [...a.xShape],
      [...a.yShape],
      count,
    );
  }

  /** Samples from a function that starts a fresh (sync or async) iterable each time it is called. */
  static fromGenerator(make: () => SampleSource, o: { xShape: number[]; yShape: number[]; count?: number }): Dataset {
    if (o.count !== undefined) checkCount('Dataset.fromGenerator', 'count', o.count);
    return new Dataset(make, [...o.xShape], [...o.yShape], o.count);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Sample> {
    yield* this.source();
  }

  /**
   * Shuffles with a seed: the same seed gives the same order. A number is taken as the bufferSize. A full
   * shuffle holds every sample of one iteration (views, for arrays): shuffle before an expensive map.
   */
  shuffle(seed: number, options: ShuffleOptions | number = {}): Dataset {
    checkSeed('Dataset.shuffle', seed);
    const { bufferSize, reshuffleEachIteration = false } =
      typeof options === 'number' ? { bufferSize: options } : options;
    if (bufferSize !== undefined && !(Number.isInteger(bufferSize) && bufferSize >= 1)) {
      throw new NeuriteError(`Dataset.shuffle: bufferSize must be a positive integer. Received: ${bufferSize}.`);
    }
    if (bufferSize === undefined && this.count === undefined) {
      throw new NeuriteError(
        'Dataset.shuffle: a full shuffle needs a known count, and this dataset comes from a generator without one. ' +
          'Pass a buffer, e.g. .shuffle(seed, { bufferSize: 1000 }), or a count to Dataset.fromGenerator.',
      );
    }
    let iteration = 0;
    return this.derive(() => {
      const s = reshuffleEachIteration ? seed + iteration++ : seed;
      return bufferSize === undefined ? fullShuffle(this, s) : bufferedShuffle(this, s, bufferSize);
    }, this.count);
  }

  /** Applies `fn` to every sample. Pass the new shapes when `fn` changes them. */
  map(fn: (sample: Sample) => Sample, shapes: { xShape?: number[]; yShape?: number[] } = {}): Dataset {
    const self = this;
    return new Dataset(
      async function* () {
        for await (const s of self) yield fn(s);
      },
      [...(shapes.xShape ?? this.xShape)],
      [...(shapes.yShape ?? this.yShape)],
      this.count,
    );
  }

  /** The first n samples. */
  take(n: number): Dataset {
    checkCount('Dataset.take', 'n', n);
    const self = this;
    return this.derive(
      async function* () {
        if (n === 0) return;
        let i = 0;
        for await (const s of self) {
          yield s;
          if (++i >= n) return;
        }
      },
      this.count === undefined ? undefined : Math.min(n, this.count),
    );
  }

  /** All but the first n samples. */
  skip(n: number): Dataset {
    checkCount('Dataset.skip', 'n', n);
    const self = this;
    return this.derive(
      async function* () {
        let i = 0;
        for await (const s of self) if (i++ >= n) yield s;
      },
      this.count === undefined ? undefined : Math.max(0, this.count - n),
    );
  }

  /**
   * Splits by order, as Keras' validationSplit does: the first dataset gets the first
   * count - floor(count * fraction) samples, the second the last floor(count * fraction). Split before
   * shuffling, or shuffle with a fixed seed: a reshuffled parent would mix samples across the two.
   */
  split(fraction: number): [Dataset, Dataset] {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new NeuriteError(`Dataset.split: fraction must be in [0, 1]. Received: ${fraction}. E.g. split(0.1).`);
    }
    if (this.count === undefined) {
      throw new NeuriteError(
        'Dataset.split needs a known count; this dataset comes from a generator without one. ' +
          'Pass { count } to Dataset.fromGenerator, or use take(n) and skip(n).',
      );
    }
    const first = this.count - Math.floor(this.count * fraction);
    return [this.take(first), this.skip(first)];
  }

  /** Batches of tensors { xs: [n, ...xShape], ys: [n, ...yShape] }, for model.fit(dataset.batch(32)). */
  batch(batchSize: number, options: BatchOptions = {}): BatchedDataset {
    return new BatchedDataset(this, batchSize, options);
  }

  private derive(source: () => SampleSource, count: number | undefined): Dataset {
    return new Dataset(source, this.xShape, this.yShape, count);
  }
}
