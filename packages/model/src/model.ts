import { NeuriteError, type Tensor, tidy } from '@neurite/core';
import {
  isSymbolic,
  type Layer,
  type PlannedWeight,
  type Shape,
  SymbolicTensor,
  serializeLayers,
} from '@neurite/layers';
import type { Loss } from '@neurite/losses';
import { getOptimizer, type Optimizer } from '@neurite/optimizers';
import type { ArchitectureJSON, FitModel, NodeRef } from './contract.js';
import type { SavedPosition } from './format/types.js';
import { type Graph, nodeName, showShape, traceGraph } from './graph.js';
import type { Metric } from './metrics.js';
import {
  type LossesSpec,
  type LossWeightsSpec,
  type MetricsSpec,
  type OutputObjective,
  resolveObjective,
} from './objective.js';
import type { SaveOptions } from './save.js';
import { type ModelSummary, summarizeGraph } from './summary.js';
import type { BatchSource, TensorSet } from './tensor_set.js';
import { evaluate, type FitOptions, fit, type History } from './training.js';

/**
 * What compile() takes: instances or names ('adam', 'categoricalCrossentropy', 'accuracy', ...). A model
 * with several outputs takes one loss for all of them, a list (one per output, in order) or an object
 * keyed by output name; likewise its metrics and the loss weights.
 */
export interface CompileOptions {
  optimizer: Optimizer | string | { className: string; config?: Record<string, unknown> };
  loss: LossesSpec;
  /** Each output's factor in the total loss (default 1 each): a list in output order or an object by name. */
  lossWeights?: LossWeightsSpec;
  /** One list for every output, a list of lists in output order, or an object keyed by output name. */
  metrics?: MetricsSpec;
}

/** One node's output for an input, from activations(). */
export interface LayerActivation {
  /** The node's name: its layer's, then `:1`, `:2` for a shared layer's later uses. */
  name: string;
  className: string;
  shape: number[];
  /** The names of the nodes (or model inputs) it read. */
  inputs: string[];
  /** The output tensor; the caller disposes it. */
  output: Tensor;
}

/** One node of a model's graph, described (no tensors): what summaries, reports and checks read. */
export interface ModelNode {
  /** The node's name: its layer's, then `:1`, `:2` for a shared layer's later uses. */
  name: string;
  layer: Layer;
  className: string;
  /** Output shape, batch null. */
  outputShape: Shape;
  /** The nodes (or model inputs) it reads. */
  inputs: string[];
}

/** What a model takes: one tensor, a list (one per input, in order), or an object keyed by input name. */
export type ModelInput = Tensor | Tensor[] | Record<string, Tensor>;

/** What model() and `new Model()` take: the symbolic inputs and outputs, and a name. */
export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

export type { ArchitectureJSON, NodeRef } from './contract.js';

let modelCount = 0;
// Set while a loader assembles a model from a file: its weights come from the file, after checks.
let deferBuild = false;

/** @internal Runs `fn` with models made inside it left unbuilt (a loader plans the weights first). */
export function unbuilt<T>(fn: () => T): T {
  const outer = deferBuild;
  deferBuild = true;
  try {
    return fn();
  } finally {
    deferBuild = outer;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function isTensorLike(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'dataId' in v && 'shape' in v;
}

/**
 * A model: a graph of layers from symbolic inputs to outputs (the functional API). Layers applied to
 * symbolic tensors make the graph; any directed acyclic graph works: several inputs and outputs, a
 * layer shared by two branches (one set of weights), merges (Add, Concatenate, ...). `Sequential` is the
 * special case of a stack. Compile, fit, evaluate, predict, save and activations work the same on both.
 *
 * @example
 * ```ts
 * import { useBackend, zeros } from '@neurite/core';
 * import { Add, Conv2D, Dense, GlobalAveragePooling2D, input } from '@neurite/layers';
 * import { model } from '@neurite/model';
 * await useBackend('cpu');
 * const image = input({ shape: [8, 8, 1], name: 'image' });
 * const stem = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' }).apply(image);
 * const branch = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', name: 'branch' }).apply(stem);
 * const joined = new Add({ name: 'join' }).apply([stem, branch]);
 * const pooled = new GlobalAveragePooling2D({ name: 'pool' }).apply(joined);
 * const net = model({ inputs: image, outputs: new Dense({ units: 3, name: 'out' }).apply(pooled), name: 'tiny_residual' });
 * console.log(net.predict(zeros([2, 8, 8, 1])).shape, net.summary({ print: false }).totalParams); // [2, 3] 203
 * ```
 */
export class Model implements FitModel {
  static className = 'Model';
  /** @internal Set by nested.ts: the adapter that lets a model be a layer of another. */
  static asLayer?: (m: Model) => Layer;
  private nested?: Layer;
  readonly name: string;
  /** Each layer once, in the order of its first use (the order of the weights). */
  readonly layers: Layer[] = [];
  /** The input shape without the batch dimension, for a model with one input. */
  inputShape?: number[];
  optimizer?: Optimizer;
  loss?: Loss;
  metrics: Metric[] = [];
  /** The metric specs as given to compile(), for saving. */
  metricSpecs: string[] = [];
  /** Per output: its loss, its weight in the total and its metrics (compile() sets it). */
  objective?: OutputObjective[];
  /** Set by a callback (early stopping) to end fit() after the current epoch. */
  stopTraining = false;
  /** Epochs completed by fit() over this model's life, saved for resuming. */
  epochsTrained = 0;
  /** Where an interrupted fit() stopped inside an epoch (see FitOptions.signal); saved for resuming. */
  trainingPosition?: SavedPosition;
  /** Your own JSON, saved in model.json with the model and restored by loadModel (e.g. run settings). */
  metadata: Record<string, unknown> = {};
  private traced?: Graph;

  constructor(args?: ModelArgs, defaultName?: string) {
    this.name = args?.name ?? defaultName ?? `model_${++modelCount}`;
    if (typeof this.name !== 'string' || this.name === '') {
      throw new NeuriteError(`model: name must be a non-empty string. Received: name=${JSON.stringify(args?.name)}.`);
    }
    if (!args) {
      if (new.target === Model) {
        throw new NeuriteError(
          'model({ inputs, outputs }) needs its inputs and outputs, e.g. model({ inputs: x, outputs: y }).',
        );
      }
      return; // a Sequential: its graph follows its layers
    }
    const list = (v: unknown, what: string): SymbolicTensor[] => {
      const l = Array.isArray(v) ? v : [v];
      if (l.length === 0 || !isSymbolic(l)) {
        throw new NeuriteError(
          `model '${this.name}': ${what} must be symbolic tensors (from input() and from layers applied to them), ` +
            `one or a list. Received: ${l.length === 0 ? 'an empty list' : l.map((t) => (t instanceof SymbolicTensor ? String(t) : typeof t)).join(', ')}.`,
        );
      }
      return l;
    };
    const g = traceGraph(`model '${this.name}'`, list(args.inputs, 'inputs'), list(args.outputs, 'outputs'));
    this.traced = g;
    // Losses, targets and logs are keyed by these names: each must name one input or one output.
    for (const [what, names] of [
      ['inputs', this.inputNames],
      ['outputs', this.outputNames],
    ] as const) {
      const twice = names.filter((n, i) => names.indexOf(n) !== i);
      if (twice.length > 0) {
        throw new NeuriteError(
          `model '${this.name}': the ${what} list ${[...new Set(twice)].map((n) => `'${n}'`).join(', ')} more than once. ` +
            `Each of the ${what} must be a different tensor: its name keys the ${what === 'inputs' ? 'inputs' : 'losses, targets and logs'}.`,
        );
      }
    }
    this.layers.push(...g.layers);
    if (g.inputs.length === 1) this.inputShape = g.inputs[0].shape.slice(1) as number[];
    // As in Keras, a graph's weights exist once it is made (summary() and weights show them).
    if (!deferBuild) this.build();
  }

  /** @internal The graph: traced once for a functional model; a Sequential's follows its layers. */
  graph(): Graph {
    return this.traced as Graph;
  }

  /** The symbolic inputs, in order. */
  get inputs(): SymbolicTensor[] {
    return [...this.graph().inputs];
  }

  /**
   * Uses the model as a layer inside another graph: applied to symbolic tensors, it returns the output
   * of this whole model as one node (a model with one output). Its weights stay this model's: training
   * the outer model trains them, and a save of the outer model holds them.
   *
   * @example
   * ```ts
   * import { useBackend, zeros } from '@neurite/core';
   * import { Dense, input } from '@neurite/layers';
   * import { model } from '@neurite/model';
   * await useBackend('cpu');
   * const x = input({ shape: [4] });
   * const encoder = model({ inputs: x, outputs: new Dense({ units: 2, name: 'code' }).apply(x), name: 'encoder' });
   * const image = input({ shape: [4], name: 'image' });
   * const outer = model({ inputs: image, outputs: new Dense({ units: 1, name: 'score' }).apply(encoder.apply(image)) });
   * console.log(outer.layers.map((l) => l.name), outer.predict(zeros([3, 4])).shape); // [ 'encoder', 'score' ] [ 3, 1 ]
   * ```
   */
  apply(x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    if (!Model.asLayer)
      throw new NeuriteError('Model.apply: import @neurite/model (its index) to use models as layers.');
    this.nested ??= Model.asLayer(this);
    return this.nested.apply(x);
  }

  /** Every layer node, each after the nodes it reads, without computing anything. */
  get nodes(): ModelNode[] {
    const g = this.graph();
    return g.nodes.map((t) => ({
      name: nodeName(g, t),
      layer: t.node.layer as Layer,
      className: (t.node.layer as Layer).className,
      outputShape: [...t.shape],
      inputs: t.node.inputs.map((s) => nodeName(g, s)),
    }));
  }

  /** Layer applications in the model, a nested model's own counted at each of its uses. */
  graphSize(cache = new Map<Model, number>()): number {
    const known = cache.get(this);
    if (known !== undefined) return known;
    let n = 0;
    for (const node of this.nodes) {
      const inner = (node.layer as { model?: unknown }).model;
      n += 1 + (inner instanceof Model ? inner.graphSize(cache) : 0);
    }
    cache.set(this, n);
    return n;
  }

  /** The symbolic outputs, in order. */
  get outputs(): SymbolicTensor[] {
    return [...this.graph().outputs];
  }

  /** The inputs' names, in order. */
  get inputNames(): string[] {
    return this.graph().inputs.map((t) => t.name);
  }

  /** The outputs' names (the layers that make them, `name:1` for a shared layer's later use), in order: the keys of losses, targets and logs. */
  get outputNames(): string[] {
    const g = this.graph();
    return g.outputs.map((t) => (g.inputs.includes(t) ? t.name : nodeName(g, t)));
  }

  /** @internal Sets the input shape before the graph is known (a Sequential); a graph's is fixed. */
  protected useInputShape(shape: number[]): void {
    const have = this.inputShape;
    if (!have || have.length !== shape.length || have.some((d, i) => d !== shape[i])) {
      throw new NeuriteError(
        `${this.name}: the model's inputs are fixed by its graph (${this.graph()
          .inputs.map((t) => showShape(t.shape))
          .join(', ')}); ` +
          `build([${shape.join(', ')}]) cannot change them. Make a new model with input({ shape: [${shape.join(', ')}] }).`,
      );
    }
  }

  /** Builds every layer (each once, for its first use), and returns each node's output shape. */
  build(inputShape?: number[]): Shape[] {
    if (inputShape) this.useInputShape(inputShape);
    const g = this.graph();
    return g.nodes.map((t) => {
      const layer = t.node.layer as Layer;
      if (g.use.get(t) === 0) layer.ensureBuilt(shapesFor(layer, t));
      return t.shape;
    });
  }

  /**
   * Every weight the layers would create for the model's input shapes, in save-file order (each layer
   * once, at its first use), without creating any (see Layer.planWeights): what a loader checks a
   * weights file against before it allocates. Throws when a layer's config does not fit its input.
   */
  planWeights(): { layer: Layer; weight: PlannedWeight }[] {
    const g = this.graph();
    const first = new Map<Layer, SymbolicTensor>();
    for (const t of g.nodes) if (g.use.get(t) === 0) first.set(t.node.layer as Layer, t);
    const out: { layer: Layer; weight: PlannedWeight }[] = [];
    const paths = new Set<string>();
    for (const layer of this.layers) {
      const t = first.get(layer) as SymbolicTensor;
      for (const weight of layer.planWeights(shapesFor(layer, t))) {
        if (paths.has(weight.path)) {
          throw new NeuriteError(
            `${this.name}: two weights are named '${weight.path}' (a layer name used twice, inside a nested model and beside it, say). ` +
              'A save finds weights by these names: give each layer a unique name.',
          );
        }
        paths.add(weight.path);
        out.push({ layer, weight });
      }
    }
    return out;
  }

  /** The output shape (batch null), for a model with one output. */
  get outputShape(): Shape {
    return this.single(this.graph().outputs, 'outputShape').shape;
  }

  /** Every output's shape (batch null), in order. */
  get outputShapes(): Shape[] {
    return this.graph().outputs.map((t) => t.shape);
  }

  /** Runs the graph on tensors; every output, in order. Intermediate values are freed. */
  callAll(x: ModelInput, options: { training?: boolean } = {}): Tensor[] {
    const xs = this.inputList(x, 'call');
    const g = this.graph();
    return tidy(() => {
      const values = this.execute(xs, options.training ?? false);
      return g.outputs.map((t) => values.get(t) as Tensor);
    });
  }

  /** Runs the graph on tensors, for a model with one output; intermediate values are freed. */
  call(x: ModelInput, options: { training?: boolean } = {}): Tensor {
    this.single(this.graph().outputs, 'call');
    return this.callAll(x, options)[0];
  }

  /**
   * Predictions in inference mode, computed `batchSize` samples at a time, for a model with one output
   * (predictAll gives every output).
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
  predict(x: ModelInput, options: { batchSize?: number } = {}): Tensor {
    this.single(this.graph().outputs, 'predict');
    return this.predictAll(x, options)[0];
  }

  /** Every output's predictions in inference mode, in order, computed `batchSize` samples at a time. */
  predictAll(x: ModelInput, options: { batchSize?: number } = {}): Tensor[] {
    const batchSize = options.batchSize ?? 256;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new NeuriteError(
        `${this.name}.predict: batchSize must be a positive integer. Received: batchSize=${String(batchSize)}.`,
      );
    }
    const xs = this.inputList(x, 'predict');
    const n = xs[0].shape[0];
    if (n <= batchSize) return this.callAll(xs);
    return tidy(() => {
      const parts: Tensor[][] = [];
      for (let s = 0; s < n; s += batchSize) {
        const size = Math.min(batchSize, n - s);
        parts.push(this.callAll(xs.map((t) => t.slice([s], [size]))));
      }
      return parts[0].map((first, o) =>
        first.concat(
          parts.slice(1).map((p) => p[o]),
          0,
        ),
      );
    });
  }

  /**
   * Every node's output for an input (inference mode), in an order where each comes after what it
   * reads, with its name, class, shape and inputs: what the course's assignment visualises, for any
   * graph (merge nodes included). Dispose the outputs when done.
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
  activations(x: ModelInput): LayerActivation[] {
    const xs = this.inputList(x, 'activations');
    const g = this.graph();
    const out: LayerActivation[] = [];
    this.execute(xs, false, (t, y) => {
      out.push({
        name: nodeName(g, t),
        className: (t.node.layer as Layer).className,
        shape: [...y.shape],
        inputs: t.node.inputs.map((s) => nodeName(g, s)),
        output: y,
      });
    });
    return out;
  }

  /**
   * A Keras-style table of the layers, output shapes, parameter counts and (for a graph) what each is
   * connected to; printed unless `print: false`.
   */
  summary(options: { print?: false | ((text: string) => void) } = {}): ModelSummary {
    this.build();
    const s = summarizeGraph(this.name, this.graph());
    const print = options.print === undefined ? console.log : options.print;
    if (print) print(s.text);
    return s;
  }

  /**
   * Chooses the optimizer, the loss and the metrics for fit() and evaluate(). With several outputs the
   * total loss is the sum of each output's loss times its weight, and logs carry each part
   * (`digitLoss`, `digitAccuracy` for an output named 'digit').
   *
   * @example
   * ```ts
   * import { useBackend } from '@neurite/core';
   * import { Dense, input } from '@neurite/layers';
   * import { model } from '@neurite/model';
   * await useBackend('cpu');
   * const x = input({ shape: [4] });
   * const h = new Dense({ units: 8, activation: 'relu' }).apply(x);
   * const net = model({
   *   inputs: x,
   *   outputs: [new Dense({ units: 3, activation: 'softmax', name: 'kind' }).apply(h), new Dense({ units: 1, name: 'size' }).apply(h)],
   * });
   * net.compile({
   *   optimizer: 'adam',
   *   loss: { kind: 'sparseCategoricalCrossentropy', size: 'mse' },
   *   lossWeights: { size: 0.5 },
   *   metrics: { kind: ['accuracy'] },
   * });
   * console.log(net.objective?.map((o) => [o.output, o.loss.className, o.weight])); // [['kind','SparseCategoricalCrossentropy',1],['size','MeanSquaredError',0.5]]
   * ```
   */
  compile(options: CompileOptions): void {
    if (!options || options.optimizer === undefined || options.loss === undefined) {
      throw new NeuriteError(
        `${this.name}.compile needs { optimizer, loss }, e.g. { optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] }.`,
      );
    }
    // A Sequential may not know its input shape or its layers yet; it has one output, named later.
    const outputs = this.knowsGraph() ? this.outputNames : ['output'];
    const objective = resolveObjective(
      `${this.name}.compile`,
      outputs,
      options.loss,
      options.lossWeights,
      options.metrics,
    );
    this.optimizer = getOptimizer(options.optimizer as never);
    this.objective = objective;
    this.loss = objective[0].loss;
    this.metrics = objective[0].metrics;
    this.metricSpecs = objective[0].metricSpecs;
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
  fit(x: TensorSet | BatchSource, y?: TensorSet | FitOptions, options?: FitOptions): Promise<History> {
    // biome-ignore lint/suspicious/noFocusedTests: this fit trains the model; it is not vitest's focused test.
    return fit(this, x, y, options);
  }

  /** Loss and metrics in inference mode, e.g. `{ loss: 0.03, accuracy: 0.99 }`. */
  evaluate(x: TensorSet | BatchSource, y?: TensorSet, options: { batchSize?: number } = {}) {
    return evaluate(this, x, y, options);
  }

  /** All weights: each layer's once, in layer order. */
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
    const { saveModel } = await import('./save.js');
    return saveModel(this, dir, options);
  }

  /** The model's architecture as JSON (the architecture part of model.json): inputs, layers with their inbound nodes, outputs. */
  toJSON(): ArchitectureJSON {
    const g = this.graph();
    const ref = (t: SymbolicTensor): NodeRef => {
      const use = g.use.get(t) ?? 0;
      return use === 0 ? t.name : [t.name, use];
    };
    const serialized = serializeLayers(this.layers);
    const inbound = new Map<Layer, NodeRef[][]>(this.layers.map((l) => [l, []]));
    for (const t of g.nodes) inbound.get(t.node.layer as Layer)?.push(t.node.inputs.map(ref));
    return {
      name: this.name,
      inputs: g.inputs.map((t) => ({ name: t.name, shape: t.shape.slice(1) as number[] })),
      layers: serialized.map((s, i) => ({ ...s, inbound: inbound.get(this.layers[i]) })),
      outputs: g.outputs.map(ref),
    };
  }

  /** Frees every weight and the optimizer's state. */
  dispose(): void {
    for (const l of this.layers) l.dispose();
    this.optimizer?.dispose();
  }

  /** @internal */
  requireCompiled(what: string): { optimizer: Optimizer; loss: Loss; objective: OutputObjective[] } {
    if (!this.optimizer || !this.loss || !this.objective) {
      throw new NeuriteError(
        `${this.name}.${what}: the model is not compiled. Call model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' }) first.`,
      );
    }
    if (!this.knowsGraph()) return { optimizer: this.optimizer, loss: this.loss, objective: this.objective };
    const outputs = this.outputNames;
    if (this.objective.length !== outputs.length) {
      throw new NeuriteError(
        `${this.name}.${what}: the model was compiled for ${plural(this.objective.length, 'output')} and has ${outputs.length}. Compile it again.`,
      );
    }
    // A Sequential compiled before its shape was known learns its output's name now.
    if (outputs.length === 1) this.objective[0].output = outputs[0];
    return { optimizer: this.optimizer, loss: this.loss, objective: this.objective };
  }

  /** Whether the graph exists yet (a Sequential's waits for its input shape and a layer). */
  private knowsGraph(): boolean {
    return this.traced !== undefined || (this.inputShape !== undefined && this.layers.length > 0);
  }

  /** @internal The inputs as a list in graph order, each checked against its input's shape. */
  inputTensors(x: ModelInput, what: string): Tensor[] {
    return this.inputList(x, what);
  }

  /** @internal Checks one input tensor against the model's (single) input. */
  checkInput(x: Tensor | { shape: number[] }, what: string): void {
    if (!this.inputShape && this.layers.length > 0 && !this.traced) this.inputShape = x.shape.slice(1);
    this.single(this.traced ? this.traced.inputs : [undefined], what, 'inputs');
    checkShape(this.name, what, this.inputShape ?? [], x, 'x');
  }

  /** The inputs as a list in the graph's order, each checked against its input's shape. */
  private inputList(x: ModelInput, what: string): Tensor[] {
    if (isTensorLike(x)) {
      this.checkInput(x, what);
      return [x];
    }
    const g = this.graph();
    const names = g.inputs.map((t) => t.name);
    let xs: Tensor[];
    if (Array.isArray(x)) {
      if (x.length !== names.length || !x.every(isTensorLike)) {
        throw new NeuriteError(
          `${this.name}.${what}: the model takes ${names.length} input${names.length === 1 ? '' : 's'} (${names.map((n) => `'${n}'`).join(', ')}). ` +
            `Received a list of ${x.length}. Pass one tensor per input, in that order, or an object keyed by their names.`,
        );
      }
      xs = x;
    } else if (typeof x === 'object' && x !== null) {
      const extra = Object.keys(x).filter((k) => !names.includes(k));
      const missing = names.filter((n) => !isTensorLike((x as Record<string, Tensor>)[n]));
      if (extra.length > 0 || missing.length > 0) {
        throw new NeuriteError(
          `${this.name}.${what}: the model's inputs are ${names.map((n) => `'${n}'`).join(', ')}.` +
            (missing.length > 0 ? ` Missing: ${missing.map((n) => `'${n}'`).join(', ')}.` : '') +
            (extra.length > 0 ? ` Not inputs: ${extra.map((n) => `'${n}'`).join(', ')}.` : ''),
        );
      }
      xs = names.map((n) => (x as Record<string, Tensor>)[n]);
    } else {
      throw new NeuriteError(
        `${this.name}.${what}: expected a tensor, a list of tensors or an object of them. Received: ${String(x)}.`,
      );
    }
    const batch = xs[0].shape[0];
    xs.forEach((t, i) => {
      checkShape(this.name, what, g.inputs[i].shape.slice(1) as number[], t, `input '${names[i]}'`);
      if (t.shape[0] !== batch) {
        throw new NeuriteError(
          `${this.name}.${what}: every input needs the same number of samples; '${names[0]}' has ${batch} and '${names[i]}' has ${t.shape[0]}.`,
        );
      }
    });
    return xs;
  }

  /** Runs every node in order (telling `onNode` each output); returns each node's value, and the inputs'. */
  private execute(
    xs: Tensor[],
    training: boolean,
    onNode?: (t: SymbolicTensor, y: Tensor) => void,
  ): Map<SymbolicTensor, Tensor> {
    const g = this.graph();
    const values = new Map<SymbolicTensor, Tensor>(g.inputs.map((t, i) => [t, xs[i]]));
    for (const t of g.nodes) {
      const layer = t.node.layer as Layer;
      const ins = t.node.inputs.map((s) => values.get(s) as Tensor);
      const y = layer.apply(layer.takesList ? ins : ins[0], { training });
      values.set(t, y);
      onNode?.(t, y);
    }
    return values;
  }

  private single<T>(list: T[], what: string, kind = 'outputs'): T {
    if (list.length !== 1) {
      const fix =
        kind === 'outputs'
          ? what === 'predict' || what === 'call'
            ? ` Use ${what === 'predict' ? 'predictAll' : 'callAll'}(), which returns one tensor per output.`
            : ''
          : ' Pass a list of tensors, one per input, or an object keyed by input name.';
      throw new NeuriteError(`${this.name}.${what}: the model has ${list.length} ${kind}; this takes one.${fix}`);
    }
    return list[0];
  }
}

/** The shapes a layer's node reads: one shape, or a list for a layer that takes several inputs. */
export function shapesFor(layer: Layer, t: SymbolicTensor): Shape | Shape[] {
  const shapes = t.node.inputs.map((s) => s.shape);
  return layer.takesList ? shapes : shapes[0];
}

function checkShape(model: string, what: string, want: number[], x: { shape: number[] }, label: string): void {
  const got = x.shape.slice(1);
  if (want.length !== got.length || want.some((d, i) => d !== got[i])) {
    const hint =
      want.reduce((a, b) => a * b, 1) === got.reduce((a, b) => a * b, 1)
        ? ` Reshape it, e.g. x.reshape([-1, ${want.join(', ')}]).`
        : ' Check that the data matches the model.';
    const which = label === 'x' ? 'the model expects samples' : `${label} expects samples`;
    throw new NeuriteError(
      `${model}.${what}: ${which} of shape [${want.join(', ')}] (input [batch, ${want.join(', ')}]). ` +
        `Received ${label === 'x' ? 'x' : 'a tensor'} of shape [${x.shape.join(', ')}].${hint}`,
    );
  }
}

/**
 * A model from symbolic inputs to outputs: the functional API (see Model).
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Concatenate, Dense, input } from '@neurite/layers';
 * import { model } from '@neurite/model';
 * await useBackend('cpu'); // model() makes the weights
 * const age = input({ shape: [1], name: 'age' });
 * const history = input({ shape: [12], name: 'history' });
 * const joined = new Concatenate().apply([age, new Dense({ units: 4, activation: 'relu' }).apply(history)]);
 * const net = model({ inputs: [age, history], outputs: new Dense({ units: 1 }).apply(joined) });
 * console.log(net.inputs.map((t) => t.name), net.outputShape); // [ 'age', 'history' ] [ null, 1 ]
 * ```
 */
export function model(args: ModelArgs): Model {
  return new Model(args);
}
