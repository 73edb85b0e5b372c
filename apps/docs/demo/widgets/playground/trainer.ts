// The playground's network and its training, on the real packages: Dense layers in a Sequential,
// compiled with sgd and binary cross-entropy, one fit() over a one-batch source per Step. The model is
// built for one backend; the element makes a new Trainer when the backend changes.
import { permutation, type Tensor, tensor2d, tidy } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { type Sequential, sequential } from '@neurite/model';
import { featureRows, gridPoints, type Points } from './data.js';
import type { Regularizer, State } from './state.js';

type Loss = NonNullable<Sequential['loss']>;

/** One Dense layer's weights as host arrays: kernel [inputs, units] row by row, then the bias. */
export interface LayerValues {
  kernel: Float32Array;
  bias: Float32Array;
  inputs: number;
  units: number;
}

export class Trainer {
  readonly model: Sequential;
  /** The hidden layers, then the sigmoid output unit. */
  readonly dense: Dense[];
  /** Steps taken, and training samples seen (an epoch is one pass over the training half). */
  steps = 0;
  samples = 0;
  private bce!: Loss;
  private readonly trainCount: number;
  private readonly nf: number;
  private readonly rows: Float32Array;
  private readonly labels: Float32Array;
  private readonly trainX: Tensor;
  private readonly trainY: Tensor;
  private readonly testX: Tensor;
  private readonly testY: Tensor;
  private readonly gridX: Tensor;
  private order: Uint32Array;
  private cursor = 0;
  private readonly seed: number;

  /** Builds the model with the seeded stream where makePoints left it, so a seed repeats the start. */
  constructor(state: State, points: Points) {
    this.seed = state.seed;
    this.nf = state.features.length;
    this.rows = featureRows(points.xy, state.features);
    this.labels = points.labels;
    this.trainCount = points.count / 2;
    const n = this.trainCount;
    const m = points.count - n;
    this.trainX = tensor2d(this.rows.subarray(0, n * this.nf), [n, this.nf]);
    this.trainY = tensor2d(this.labels.subarray(0, n), [n, 1]);
    this.testX = tensor2d(this.rows.subarray(n * this.nf), [m, this.nf]);
    this.testY = tensor2d(this.labels.subarray(n), [m, 1]);
    const grid = featureRows(gridPoints(), state.features);
    this.gridX = tensor2d(grid, [grid.length / this.nf, this.nf]);
    this.dense = [
      ...state.layers.map((units) => new Dense({ units, activation: state.activation })),
      new Dense({ units: 1, activation: 'sigmoid' }),
    ];
    this.model = sequential(this.dense, { inputShape: [this.nf] });
    this.model.build();
    this.order = permutation(n, this.seed);
    this.configure(state.regularizer, state.regularizationRate, state.learningRate);
  }

  /** The epochs completed so far. */
  get epoch(): number {
    return Math.floor(this.samples / this.trainCount);
  }

  /**
   * Compiles for sgd and binary cross-entropy. @neurite/layers has no kernelRegularizer, so L1 and L2
   * are added to the loss: rate * sum|W| or rate * sum W^2 over every kernel (not the biases), which
   * is what Keras's regularizers add. The gradient reaches the kernels through the loss.
   */
  configure(regularizer: Regularizer, rate: number, learningRate: number): void {
    this.model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const bce = this.model.loss as Loss;
    this.bce = bce;
    if (regularizer !== 'none' && rate > 0) {
      const kernels = this.dense.map((l) => l.weight('kernel'));
      const penalty = (k: Tensor) => (regularizer === 'l1' ? k.abs().sum() : k.square().sum());
      const regularized = (y: Tensor, p: Tensor) =>
        kernels.reduce((total, k) => total.add(penalty(k).mul(rate)), bce.call(y, p));
      this.model.compile({ optimizer: 'sgd', loss: regularized });
    }
    this.model.learningRate = learningRate;
  }

  /** One step of gradient descent on the next `batchSize` training points; returns the batch's loss. */
  async step(batchSize: number): Promise<number> {
    const size = Math.min(batchSize, this.trainCount);
    const bx = new Float32Array(size * this.nf);
    const by = new Float32Array(size);
    for (let k = 0; k < size; k++) {
      if (this.cursor === this.trainCount) {
        // A new pass over the training half, in a new order that the seed fixes.
        this.order = permutation(this.trainCount, this.seed + this.epoch + 1);
        this.cursor = 0;
      }
      const i = this.order[this.cursor++];
      bx.set(this.rows.subarray(i * this.nf, (i + 1) * this.nf), k * this.nf);
      by[k] = this.labels[i];
    }
    // A source of one batch: fit() trains on it once and frees its tensors.
    const batch = { xs: tensor2d(bx, [size, this.nf]), ys: tensor2d(by, [size, 1]) };
    const history = await this.model.fit([batch], { epochs: 1 });
    this.steps++;
    this.samples += size;
    return history.history.loss[0];
  }

  /** The mean binary cross-entropy on the training and on the test half (no regularization term). */
  async losses(): Promise<{ train: number; test: number }> {
    const on = async (x: Tensor, y: Tensor) => {
      const t = tidy(() => this.bce.call(y, this.model.predict(x)));
      const v = (await t.data())[0];
      t.dispose();
      return v;
    };
    return { train: await on(this.trainX, this.trainY), test: await on(this.testX, this.testY) };
  }

  /** Every layer's output over the grid: per layer, GRID * GRID rows of its units (the last is the boundary). */
  async picture(): Promise<Float32Array[]> {
    const acts = this.model.activations(this.gridX);
    try {
      return await Promise.all(acts.map(async (a) => (await a.output.data()) as Float32Array));
    } finally {
      for (const a of acts) a.output.dispose();
    }
  }

  /** Every layer's weights, read back from the backend. */
  async weights(): Promise<LayerValues[]> {
    return Promise.all(
      this.dense.map(async (layer) => {
        const [kernel, bias] = await layer.getWeightValues();
        return { kernel: kernel.values, bias: bias.values, inputs: kernel.shape[0], units: kernel.shape[1] };
      }),
    );
  }

  /**
   * Writes one weight through the layer's API: the kernel entry from input `from` to unit `to` of
   * `layer` (0 is the first hidden layer), or with `from` = -1 the unit's bias.
   */
  async setWeight(layer: number, from: number, to: number, value: number): Promise<void> {
    const target = this.dense[layer];
    const [kernel, bias] = await target.getWeightValues();
    const k = Float32Array.from(kernel.values);
    const b = Float32Array.from(bias.values);
    if (from < 0) b[to] = value;
    else k[from * kernel.shape[1] + to] = value;
    target.setWeightValues([k, b]);
  }

  dispose(): void {
    this.model.dispose();
    for (const t of [this.trainX, this.trainY, this.testX, this.testY, this.gridX]) t.dispose();
  }
}
