import { NeuriteError, type Tensor, tidy } from '@neurite/core';
import { type Layer, type PlannedWeight, type Shape, serializeLayers } from '@neurite/layers';
import { getLoss, type Loss, type LossSpec } from '@neurite/losses';
import { getOptimizer, type Optimizer } from '@neurite/optimizers';
import type { BatchSource } from './data.js';
import { getMetric, type Metric } from './metrics.js';
import type { SaveOptions } from './node_io.js';
import { type ModelSummary, summarize } from './summary.js';
import { evaluate, type FitOptions, fit, type History, type TrainingPosition } from './training.js';

/** What compile() takes: instances or names ('adam', 'categoricalCrossentropy', 'accuracy', ...). */
export interface CompileOptions {
  optimizer: Optimizer | string | { className: string; config?: Record<string, unknown> };
  loss: LossSpec;
  metrics?: (string | Metric)[];
}

/** One layer's output for an input, from activations(). */
export interface LayerActivation {
  name: string;
  className: string;
  shape: number[];
  /** The output tensor; the caller disposes it. */
  output: Tensor;
}

let modelCount = 0;

const showShape = (shape: Shape) => `[${shape.map((d) => d ?? 'null').join(', ')}]`;

/**
 * A stack of layers, each feeding the next: the model of the course's CNN and MLP.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Conv2D, Dense, Flatten, MaxPooling2D } from '@neurite/layers';
 * import { sequential } from '@neurite/model';
 * await useBackend('cpu');
 * const model = sequential([
 *   new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
 *   new MaxPooling2D(),
 *   new Flatten(),
 *   new Dense({ units: 10, activation: 'softmax' }),
 * ]);
 * model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 * console.log(model.summary({ print: false }).totalParams); // 13610
 * ```
 */
export class Sequential {
  static className = 'Sequential';
  readonly name: string;
  readonly layers: Layer[] = [];
  /** The input shape without the batch dimension, once known. */
  inputShape?: number[];
  optimizer?: Optimizer;
  loss?: Loss;
  metrics: Metric[] = [];
  /** The metric specs as given to compile(), for saving. */
  metricSpecs: string[] = [];
  /** Set by a callback (early stopping) to end fit() after the current epoch. */
  stopTraining = false;
  /** Epochs completed by fit() over this model's life, saved for resuming. */
  epochsTrained = 0;
  /** Where an interrupted fit() stopped inside an epoch (see FitOptions.signal); saved for resuming. */
  trainingPosition?: TrainingPosition;
  /** Your own JSON, saved in model.json with the model and restored by loadModel (e.g. run settings). */
  metadata: Record<string, unknown> = {};

  constructor(layers: Layer[] = [], options: { name?: string; inputShape?: number[] } = {}) {
    this.name = options.name ?? `sequential_${++modelCount}`;
    if (options.inputShape) this.inputShape = [...options.inputShape];
    for (const l of layers) this.add(l);
  }

  /** Appends a layer. Names must be unique within the model. */
  add(layer: Layer): this {
    if (this.layers.some((l) => l.name === layer.name)) {
      throw new NeuriteError(
        `${this.name}: a layer named '${layer.name}' is already in the model. Give each layer a unique name.`,
      );
    }
    if (this.layers.length === 0 && !this.inputShape) {
      const given = (layer.getConfig() as { inputShape?: number[] }).inputShape;
      if (given) this.inputShape = [...given];
    }
    this.layers.push(layer);
    return this;
  }

  /** Builds every layer for an input shape (without batch), and returns each layer's output shape. */
  build(inputShape?: number[]): Shape[] {
    if (inputShape) this.inputShape = [...inputShape];
    if (!this.inputShape) {
      throw new NeuriteError(
        `${this.name}: the input shape is unknown. Give the first layer an inputShape (e.g. inputShape: [28, 28, 1]) ` +
          'or call build([28, 28, 1]).',
      );
    }
    if (this.layers.length === 0) throw new NeuriteError(`${this.name}: the model has no layers. Add some with add().`);
    let shape: Shape = [null, ...this.inputShape];
    return this.layers.map((l) => {
      l.ensureBuilt(shape);
      shape = l.computeOutputShape(shape);
      return shape;
    });
  }

  /**
   * Every weight the layers would create for the model's input shape, in save-file order, without
   * creating any (see Layer.planWeights): what a loader checks a weights file against before it
   * allocates. Throws when a layer's config does not fit its input.
   */
  planWeights(): { layer: Layer; weight: PlannedWeight }[] {
    if (!this.inputShape) this.build(); // throws the input-shape message
    let shape: Shape = [null, ...(this.inputShape as number[])];
    const out: { layer: Layer; weight: PlannedWeight }[] = [];
    for (const layer of this.layers) {
      for (const weight of layer.planWeights(shape)) out.push({ layer, weight });
      const input = shape;
      shape = layer.computeOutputShape(shape);
      if (!shape.slice(1).every((d) => d === null || (Number.isSafeInteger(d) && (d as number) > 0))) {
        throw new NeuriteError(
          `${this.name}: ${layer.className} '${layer.name}' would turn inputs of shape ${showShape(input)} into ` +
            `${showShape(shape)}. Every dimension must be a positive integer: check the layer's config.`,
        );
      }
    }
    return out;
  }

  /** The output shape (batch null). */
  get outputShape(): Shape {
    const shapes = this.build();
    return shapes[shapes.length - 1];
  }

  /** Runs the layers; intermediate outputs are freed. */
  call(x: Tensor, options: { training?: boolean } = {}): Tensor {
    this.checkInput(x, 'call');
    return tidy(() => {
      let h = x;
      for (const l of this.layers) h = l.apply(h, { training: options.training ?? false });
      return h;
    });
  }

  /**
   * Predictions in inference mode, computed `batchSize` samples at a time.
   *
   * @example
   * ```ts
   * import { useBackend, zeros } from '@neurite/core';
   * import { Dense } from '@neurite/layers';
   * import { sequential } from '@neurite/model';
   * await useBackend('cpu');
   * const model = sequential([new Dense({ units: 2, inputShape: [3] })]);
   * console.log(model.predict(zeros([5, 3])).shape); // [5, 2]
   * ```
   */
  predict(x: Tensor, options: { batchSize?: number } = {}): Tensor {
    const batchSize = options.batchSize ?? 256;
    this.checkInput(x, 'predict');
    if (x.shape[0] <= batchSize) return this.call(x);
    return tidy(() => {
      const outs: Tensor[] = [];
      for (let s = 0; s < x.shape[0]; s += batchSize) {
        const size = Math.min(batchSize, x.shape[0] - s);
        outs.push(this.call(x.slice([s], [size])));
      }
      return outs[0].concat(outs.slice(1), 0);
    });
  }

  /**
   * Every layer's output for an input (inference mode), in order, with the layer's name, class and
   * shape: what the course's assignment visualises. Dispose the outputs when done.
   *
   * @example
   * ```ts
   * import { useBackend, zeros } from '@neurite/core';
   * import { Dense } from '@neurite/layers';
   * import { sequential } from '@neurite/model';
   * await useBackend('cpu');
   * const model = sequential([new Dense({ units: 4, activation: 'relu', inputShape: [2] }), new Dense({ units: 1 })]);
   * for (const a of model.activations(zeros([1, 2]))) console.log(a.name, a.className, a.shape);
   * ```
   */
  activations(x: Tensor): LayerActivation[] {
    this.checkInput(x, 'activations');
    const out: LayerActivation[] = [];
    let h = x;
    for (const l of this.layers) {
      h = l.apply(h);
      out.push({ name: l.name, className: l.className, shape: [...h.shape], output: h });
    }
    return out;
  }

  /** A Keras-style table of layers, output shapes and parameter counts; printed unless `print: false`. */
  summary(options: { print?: false | ((text: string) => void) } = {}): ModelSummary {
    const s = summarize(this.name, this.layers, this.build());
    const print = options.print === undefined ? console.log : options.print;
    if (print) print(s.text);
    return s;
  }

  /** Chooses the optimizer, the loss and the metrics for fit() and evaluate(). */
  compile(options: CompileOptions): void {
    if (!options || options.optimizer === undefined || options.loss === undefined) {
      throw new NeuriteError(
        `${this.name}.compile needs { optimizer, loss }, e.g. { optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] }.`,
      );
    }
    this.optimizer = getOptimizer(options.optimizer as never);
    this.loss = getLoss(options.loss);
    this.metricSpecs = (options.metrics ?? []).map((m) => (typeof m === 'string' ? m : m.name));
    this.metrics = (options.metrics ?? []).map((m) => getMetric(m, this.loss?.targets));
  }

  /**
   * Trains the model on arrays `fit(x, y, options)` or on a batch source `fit(dataset, options)`. Every
   * step runs in a memory scope, so the live tensor count stays flat across epochs.
   *
   * @example
   * ```ts
   * import { useBackend, tensor2d } from '@neurite/core';
   * import { Dense } from '@neurite/layers';
   * import { sequential } from '@neurite/model';
   * await useBackend('cpu');
   * const model = sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
   * model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
   * const x = tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
   * const y = tensor2d([[0], [1], [1], [1]]);
   * const h = await model.fit(x, y, { epochs: 5, batchSize: 4, seed: 1 });
   * console.log(h.history.loss.length); // 5
   * ```
   */
  fit(x: Tensor | BatchSource, y?: Tensor | FitOptions, options?: FitOptions): Promise<History> {
    // biome-ignore lint/suspicious/noFocusedTests: this fit trains the model; it is not vitest's focused test.
    return fit(this, x, y, options);
  }

  /** Loss and metrics in inference mode, e.g. `{ loss: 0.03, accuracy: 0.99 }`. */
  evaluate(x: Tensor | BatchSource, y?: Tensor, options: { batchSize?: number } = {}) {
    return evaluate(this, x, y, options);
  }

  /** All weights, in layer order. */
  get weights() {
    return this.layers.flatMap((l) => l.weights);
  }

  /** Weights the optimizer updates. */
  get trainableWeights() {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /** Every weight's values, in layer order (async: works on every backend). */
  async getWeightValues(): Promise<Float32Array[]> {
    const all = await Promise.all(this.layers.map((l) => l.getWeightValues()));
    return all.flat().map((w) => w.values);
  }

  /** Overwrites every weight, in layer order. */
  setWeightValues(values: Float32Array[]): void {
    let i = 0;
    for (const l of this.layers) {
      const n = l.weights.length;
      l.setWeightValues(values.slice(i, i + n));
      i += n;
    }
  }

  /** The learning rate the optimizer will use next. */
  get learningRate(): number {
    return this.requireCompiled('learningRate').optimizer.currentLearningRate();
  }

  set learningRate(lr: number) {
    this.requireCompiled('learningRate').optimizer.learningRate = lr;
  }

  /**
   * Saves the model to a folder (Node): model.json, the weights, and with `includeOptimizer` the
   * optimizer's state, for resuming. Crash-safe: at every instant the folder loads as the previous save
   * or as this one (see saveModel).
   */
  async save(dir: string, options: SaveOptions = {}): Promise<void> {
    const { saveModel } = await import('./node_io.js');
    return saveModel(this, dir, options);
  }

  /** The model's architecture as JSON (the `layers` part of model.json). */
  toJSON() {
    return { name: this.name, inputShape: this.inputShape, layers: serializeLayers(this.layers) };
  }

  /** Frees every weight and the optimizer's state. */
  dispose(): void {
    for (const l of this.layers) l.dispose();
    this.optimizer?.dispose();
  }

  /** @internal */
  requireCompiled(what: string): { optimizer: Optimizer; loss: Loss } {
    if (!this.optimizer || !this.loss) {
      throw new NeuriteError(
        `${this.name}.${what}: the model is not compiled. Call model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' }) first.`,
      );
    }
    return { optimizer: this.optimizer, loss: this.loss };
  }

  /** @internal */
  checkInput(x: Tensor | { shape: number[] }, what: string): void {
    if (!this.inputShape && this.layers.length > 0) this.inputShape = x.shape.slice(1);
    const want = this.inputShape ?? [];
    const got = x.shape.slice(1);
    if (want.length !== got.length || want.some((d, i) => d !== got[i])) {
      const hint =
        want.reduce((a, b) => a * b, 1) === got.reduce((a, b) => a * b, 1)
          ? ` Reshape it, e.g. x.reshape([-1, ${want.join(', ')}]).`
          : ' Check that the data matches the model.';
      throw new NeuriteError(
        `${this.name}.${what}: the model expects samples of shape [${want.join(', ')}] (input [batch, ${want.join(', ')}]). ` +
          `Received x of shape [${x.shape.join(', ')}].${hint}`,
      );
    }
  }
}

/** Builds a Sequential model from a list of layers. */
export function sequential(layers: Layer[], options: { name?: string; inputShape?: number[] } = {}): Sequential {
  return new Sequential(layers, options);
}
