import { engine, NeuriteError, type Tensor, tensor, tidy, type Variable, variable } from '@neurite/core';
import { getInitializer, type InitializerSpec } from './initializers.js';

/** A shape whose batch dimension (first) may be unknown: `[null, 28, 28, 1]`. */
export type Shape = (number | null)[];

/**
 * One application of a layer in a graph: the layer, the symbolic tensors it took, and (through the
 * SymbolicTensor that points back here) the one it made. A model input is a node without a layer.
 */
export interface GraphNode {
  /** The layer applied; undefined for a model input. */
  readonly layer: Layer | undefined;
  /** What the layer took, in order (empty for a model input). */
  readonly inputs: readonly SymbolicTensor[];
  /** A model input's name (undefined for a layer's node). */
  readonly inputName?: string;
}

/**
 * A tensor that holds no values, only a shape (batch null) and the node that makes it: what `input()`
 * returns and what a layer applied to one returns. A model is the graph between some of them.
 *
 * @example
 * ```ts
 * import { Dense, input } from '@neurite/layers';
 * const x = input({ shape: [4], name: 'features' });
 * const h = new Dense({ units: 3 }).apply(x);
 * console.log(String(x), h.shape); // SymbolicTensor 'features' [null, 4] [ null, 3 ]
 * ```
 */
export class SymbolicTensor {
  /** The shape, batch (first) null. */
  readonly shape: Shape;
  /** The node that makes this tensor. */
  readonly node: GraphNode;

  constructor(shape: Shape, node: GraphNode) {
    this.shape = shape;
    this.node = node;
  }

  /** The input's name, or the name of the layer that makes it. */
  get name(): string {
    return this.node.layer?.name ?? (this.node.inputName as string);
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor '${this.name}' [${this.shape.map((d) => d ?? 'null').join(', ')}]`;
  }
}

/** Options every layer accepts. */
export interface LayerConfig {
  /** Unique within a model; defaults to the snake_case class name plus a counter, e.g. 'conv2d_1'. */
  name?: string;
  /** Whether the optimizer updates this layer's weights (default true). */
  trainable?: boolean;
  /** The input shape without the batch dimension; lets a model know its input before data arrives. */
  inputShape?: number[];
}

/** How a layer is being run. */
export interface CallOptions {
  /** True while fitting: Dropout drops, BatchNormalization uses and updates batch statistics. */
  training: boolean;
}

/** One weight of a layer. */
export interface LayerWeight {
  /** The layer-local name, e.g. 'kernel'. */
  name: string;
  /** `<layer name>/<weight name>`: stable within a model, used by save files. */
  path: string;
  variable: Variable;
  trainable: boolean;
}

/** A weight that build() would create, as planWeights() reports it: no tensor is made. */
export interface PlannedWeight {
  /** The layer-local name, e.g. 'kernel'. */
  name: string;
  /** `<layer name>/<weight name>`, as save files name it. */
  path: string;
  shape: number[];
  trainable: boolean;
}

const counters = new Map<string, number>();
// Set while planWeights() runs build(): addWeight() records the weight instead of allocating it.
let planning: PlannedWeight[] | undefined;
// Set by withInitialValues(): addWeight() takes these values (by path) instead of running the initializer.
let presets: ReadonlyMap<string, ArrayLike<number>> | undefined;

/**
 * Runs `fn` (typically `model.build()`) with weights taking their first values from `values`, keyed by
 * weight path (`<layer>/<weight>`), instead of from their initializers: a loader builds a model straight
 * from a file's values, without first allocating random ones it would overwrite. A value of the wrong
 * length is an error; weights not in `values` are initialized as usual.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Dense, withInitialValues } from '@neurite/layers';
 * await useBackend('cpu');
 * const dense = new Dense({ units: 1, name: 'd' });
 * withInitialValues(new Map([['d/kernel', [2, 3]], ['d/bias', [1]]]), () => dense.ensureBuilt([null, 2]));
 * console.log(Array.from(await dense.weight('kernel').data())); // [ 2, 3 ]
 * ```
 */
export function withInitialValues<T>(values: ReadonlyMap<string, ArrayLike<number>>, fn: () => T): T {
  const outer = presets;
  presets = values;
  try {
    return fn();
  } finally {
    presets = outer;
  }
}

const showShape = (shape: Shape) => `[${shape.map((d) => d ?? 'null').join(', ')}]`;

function snake(name: string): string {
  // Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, as Keras names them.
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

// The engine's variable names are one namespace per process, shared with anything else on tfjs. tfjs-layers
// numbers its names from its own counter without asking the engine, so a Neurite name that looked like
// one of its names ('dense/kernel_1') would make its next model fail to build. Ours carry a prefix.
function uniqueVariableName(path: string): string {
  const base = `neurite:${path}`;
  const taken = engine().registeredVariables;
  if (!(base in taken)) return base;
  let i = 1;
  while (`${base}_${i}` in taken) i++;
  return `${base}_${i}`;
}

/**
 * The base of every layer. A subclass sets `static className`, creates its weights in `build()` with
 * `addWeight()`, computes its output in `call()` with @neurite/core ops, and describes itself in
 * `getConfig()` and `computeOutputShape()`. Gradients come from autodiff.
 *
 * @example
 * ```ts
 * import { useBackend, ones, type Tensor } from '@neurite/core';
 * import { Layer, type LayerConfig, type Shape } from '@neurite/layers';
 * await useBackend('cpu');
 *
 * class Scale extends Layer<LayerConfig> {
 *   static override className = 'Scale';
 *   override build(inputShape: Shape) {
 *     this.addWeight({ name: 'scale', shape: [inputShape[inputShape.length - 1] as number], initializer: 'ones' });
 *   }
 *   override call(x: Tensor) {
 *     return x.mul(this.weight('scale'));
 *   }
 * }
 * const layer = new Scale({});
 * console.log(layer.apply(ones([2, 3])).shape, layer.countParams()); // [2, 3] 3
 * ```
 */
export abstract class Layer<C extends LayerConfig = LayerConfig> {
  /** The registry's name for this class. Minifiers rename classes, so it is spelled out. */
  static className = 'Layer';

  readonly name: string;
  trainable: boolean;
  built = false;
  /** The input shape (batch null) the layer was built for. */
  builtInputShape?: Shape;
  protected readonly config: C;
  private readonly ownWeights: LayerWeight[] = [];

  /** The rank an input must have (with batch), and how to describe it in errors. */
  protected inputRank?: { rank: number; description: string } | { min: number; description: string };

  /**
   * How many inputs the layer takes. One (the default): call(), build() and computeOutputShape() get a
   * tensor and a shape. More (merge layers such as Add): they get a list, in the order given to apply().
   */
  protected arity: { min: number; max: number } = { min: 1, max: 1 };

  // The first input shapes this layer was applied to symbolically: a shared layer's later uses must fit them.
  private symbolicShapes?: Shape[];

  constructor(config: C = {} as C) {
    this.config = config;
    const className = this.className;
    if (config.name !== undefined) {
      if (typeof config.name !== 'string' || config.name === '' || config.name.includes('/')) {
        throw new NeuriteError(
          `${className}: name must be a non-empty string without '/'. Received: name=${JSON.stringify(config.name)}.`,
        );
      }
      this.name = config.name;
    } else {
      const n = (counters.get(className) ?? 0) + 1;
      counters.set(className, n);
      this.name = `${snake(className)}_${n}`;
    }
    this.trainable = config.trainable ?? true;
    if (
      config.inputShape !== undefined &&
      !(Array.isArray(config.inputShape) && config.inputShape.every((d) => Number.isInteger(d) && d > 0))
    ) {
      throw new NeuriteError(
        `${className}: inputShape must be a list of positive integers without the batch dimension, e.g. [28, 28, 1]. ` +
          `Received: inputShape=${JSON.stringify(config.inputShape)}.`,
      );
    }
  }

  /** This instance's registry class name. */
  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** True when the layer takes a list of inputs (a merge layer). */
  get takesList(): boolean {
    return this.arity.max > 1;
  }

  /**
   * Creates the weights for an input shape (a list of shapes for a layer that takes several inputs).
   * The default creates none.
   */
  build(_inputShape: Shape | Shape[]): void {}

  /**
   * The forward pass, on core ops: one tensor in, or a list for a layer that takes several. Runs inside
   * a memory scope (see apply()).
   */
  abstract call(x: Tensor | Tensor[], options: CallOptions): Tensor;

  /** The output shape for an input shape (a list for several inputs), batch null; by default the same. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  /** The JSON config that rebuilds this layer (with `layerFromConfig`). */
  getConfig(): C {
    const base: LayerConfig = { name: this.name, trainable: this.trainable };
    if (this.config.inputShape) base.inputShape = [...this.config.inputShape];
    return { ...this.config, ...base };
  }

  /**
   * Runs the layer: checks the input's rank and shape, builds on first use, and runs call() in tidy()
   * so that only the output survives. Given symbolic tensors (from `input()` or another layer), it
   * computes nothing: it returns the symbolic output and records the connection, for `model()`.
   */
  apply(x: SymbolicTensor | SymbolicTensor[], options?: Partial<CallOptions>): SymbolicTensor;
  apply(x: Tensor | Tensor[], options?: Partial<CallOptions>): Tensor;
  apply(
    x: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[],
    options: Partial<CallOptions> = {},
  ): Tensor | SymbolicTensor {
    const list = Array.isArray(x) ? x : [x];
    this.checkArity(list.length);
    const symbolic = list.map((t) => t instanceof SymbolicTensor);
    if (symbolic.some(Boolean)) {
      if (!symbolic.every(Boolean)) {
        throw new NeuriteError(
          `${this.className} '${this.name}' was given symbolic tensors and real ones together. ` +
            'In a graph, make every input with input() or another layer; run the finished model on real tensors.',
        );
      }
      return this.applySymbolic(list as SymbolicTensor[]);
    }
    const tensors = list as Tensor[];
    const shapes: Shape[] = tensors.map((t) => t.shape);
    if (!this.takesList) this.checkInput(shapes[0]);
    if (!this.built) {
      const inputShapes = shapes.map((s) => [null, ...s.slice(1)]);
      this.build(this.takesList ? inputShapes : inputShapes[0]);
      this.builtInputShape = inputShapes[0];
      this.built = true;
    }
    const arg = this.takesList ? tensors : tensors[0];
    return tidy(() => this.call(arg, { training: options.training ?? false }));
  }

  /**
   * The output shape for input shapes (batch first; one shape, or a list for a layer taking several),
   * checked: the rank and the input count, and that every dimension of the result is a positive integer.
   * Errors name the layer.
   */
  outputShapeFor(inputShapes: Shape | Shape[]): Shape {
    const shapes = (inputShapes.length > 0 && Array.isArray(inputShapes[0]) ? inputShapes : [inputShapes]) as Shape[];
    this.checkArity(shapes.length);
    if (!this.takesList) this.checkInput(shapes[0]);
    const out = this.computeOutputShape(this.takesList ? shapes : shapes[0]);
    if (!out.slice(1).every((d) => d === null || (Number.isSafeInteger(d) && (d as number) > 0))) {
      throw new NeuriteError(
        `${this.className} '${this.name}' would turn inputs of shape ${shapes.map(showShape).join(' and ')} into ` +
          `${showShape(out)}. Every dimension must be a positive integer: check the layer's config.`,
      );
    }
    return out;
  }

  private checkArity(n: number): void {
    const { min, max } = this.arity;
    if (n >= min && n <= max) return;
    const want = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `${min} or more` : `${min} to ${max}`;
    const hint =
      max === 1
        ? ' Merge several tensors first with a merge layer (Add, Concatenate, ...).'
        : ` Pass a list, e.g. new ${this.className}().apply([a, b]).`;
    throw new NeuriteError(
      `${this.className} '${this.name}' takes ${want} input${want === '1' ? '' : 's'}. Received ${n}.${hint}`,
    );
  }

  private applySymbolic(inputs: SymbolicTensor[]): SymbolicTensor {
    const shapes = inputs.map((t) => t.shape);
    const out = this.outputShapeFor(this.takesList ? shapes : shapes[0]);
    if (this.symbolicShapes) {
      // A shared layer: one set of weights, so each use must need the same weights as the first.
      const first = this.symbolicShapes;
      const plan = (s: Shape[]) =>
        this.planWeights(this.takesList ? s : s[0])
          .map((w) => `${w.name} ${showShape(w.shape)}`)
          .join(', ');
      const a = plan(first);
      const b = plan(shapes);
      if (a !== b) {
        throw new NeuriteError(
          `${this.className} '${this.name}' is shared: it was first applied to ${first.map(showShape).join(' and ')} ` +
            `(weights ${a}) and now to ${shapes.map(showShape).join(' and ')} (weights ${b}). ` +
            'A shared layer has one set of weights: give every use inputs of the same size, or use two layers.',
        );
      }
    } else {
      this.symbolicShapes = shapes.map((s) => [...s]);
    }
    return new SymbolicTensor(out, { layer: this, inputs });
  }

  /**
   * The weights build(inputShape) would create, without creating them: no tensor is allocated and the
   * layer stays unbuilt. Loaders use it to check a file against the architecture before allocating.
   * A built layer reports the weights it has.
   *
   * @example
   * ```ts
   * import { Dense } from '@neurite/layers';
   * const dense = new Dense({ units: 3, name: 'out' });
   * console.log(dense.planWeights([null, 4]).map((w) => `${w.path} [${w.shape}]`)); // [ 'out/kernel [4,3]', 'out/bias [3]' ]
   * ```
   */
  planWeights(inputShape: Shape | Shape[]): PlannedWeight[] {
    if (this.built) {
      return this.ownWeights.map((w) => ({
        name: w.name,
        path: w.path,
        shape: [...w.variable.shape],
        trainable: w.trainable,
      }));
    }
    const shapes = this.shapesOf(inputShape);
    if (!this.takesList) this.checkInput(shapes[0]);
    const outer = planning;
    planning = [];
    try {
      this.build(this.takesList ? shapes : shapes[0]);
      return planning;
    } finally {
      planning = outer;
    }
  }

  /** Builds the layer for an input shape (a list for several inputs; batch null) without running it. */
  ensureBuilt(inputShape: Shape | Shape[]): void {
    if (this.built) return;
    const shapes = this.shapesOf(inputShape);
    if (!this.takesList) this.checkInput(shapes[0]);
    this.build(this.takesList ? shapes : shapes[0]);
    this.builtInputShape = shapes[0];
    this.built = true;
  }

  // One shape or a list of them, as a list with the batch dimension null.
  private shapesOf(inputShape: Shape | Shape[]): Shape[] {
    const list = (this.takesList ? inputShape : [inputShape]) as Shape[];
    if (!Array.isArray(list) || !list.every(Array.isArray)) {
      throw new NeuriteError(
        `${this.className} '${this.name}' takes ${this.takesList ? 'a list of input shapes' : 'one input shape'}, e.g. ` +
          `${this.takesList ? '[[null, 4], [null, 4]]' : '[null, 4]'}. Received: ${JSON.stringify(inputShape)}.`,
      );
    }
    this.checkArity(list.length);
    return list.map((s) => [null, ...s.slice(1)]);
  }

  protected checkInput(shape: Shape): void {
    const spec = this.inputRank;
    const show = `[${shape.map((d) => d ?? 'null').join(', ')}]`;
    if (spec) {
      const ok = 'rank' in spec ? shape.length === spec.rank : shape.length >= spec.min;
      if (!ok) {
        const want = 'rank' in spec ? spec.rank : spec.min;
        const missing = want - shape.length;
        const hint =
          missing === 1
            ? ` Add a batch dimension, e.g. x.reshape([1, ${shape.join(', ')}]).`
            : missing === 2
              ? ` Add a batch and a channel dimension, e.g. x.reshape([1, ${shape.join(', ')}, 1]).`
              : ' Reshape the input to that rank (Flatten or Reshape layers can help).';
        throw new NeuriteError(
          `${this.className} '${this.name}' expects a ${'rank' in spec ? `rank-${want}` : `rank-${want} or higher`} input ` +
            `${spec.description}. Received shape ${show}.${hint}`,
        );
      }
    }
    const built = this.builtInputShape;
    // Weights fix the size of the last axis (Dense's inputs, Conv2D's channels); other axes may vary.
    if (built && this.ownWeights.length > 0) {
      const last = built.length - 1;
      const mismatch = built.length !== shape.length || (built[last] !== null && built[last] !== shape[last]);
      if (mismatch) {
        throw new NeuriteError(
          `${this.className} '${this.name}' was built for inputs of shape [${built.map((d) => d ?? 'null').join(', ')}]. ` +
            `Received shape ${show}. Its weights fix the rank and the last axis: use a new layer for other shapes.`,
        );
      }
    }
  }

  /** Creates a weight. Call it from build(). */
  protected addWeight(options: {
    name: string;
    shape: number[];
    initializer: InitializerSpec;
    trainable?: boolean;
  }): Variable {
    const trainable = options.trainable ?? true;
    const init = getInitializer(options.initializer);
    const path = `${this.name}/${options.name}`;
    const shape = options.shape;
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && d > 0) ||
      !Number.isSafeInteger(shape.reduce((a, b) => a * b, 1))
    ) {
      throw new NeuriteError(
        `${this.className} '${this.name}': weight '${options.name}' needs a shape of positive integers whose product ` +
          `is a safe integer. Received: shape=${JSON.stringify(shape)}. Check the layer's config and its input shape.`,
      );
    }
    if (this.ownWeights.some((w) => w.name === options.name) || planning?.some((w) => w.path === path)) {
      throw new NeuriteError(`${this.className} '${this.name}': a weight named '${options.name}' already exists.`);
    }
    if (planning) {
      planning.push({ name: options.name, path, shape: [...shape], trainable });
      // build() only keeps this handle for later; nothing reads it while planning.
      return { name: path, shape: [...shape], dtype: 'float32', trainable } as unknown as Variable;
    }
    const preset = presets?.get(path);
    const size = shape.reduce((a, b) => a * b, 1);
    if (preset && preset.length !== size) {
      throw new NeuriteError(
        `${this.className} '${this.name}': the value given for weight '${options.name}' has ${preset.length} numbers; ` +
          `its shape [${shape.join(', ')}] holds ${size}.`,
      );
    }
    // A copy: the caller's buffer (a whole weights file, say) must not be kept alive by one weight.
    const value = preset ? tensor(Float32Array.from(preset), shape) : tidy(() => init(options.shape));
    const v = variable(value, trainable, uniqueVariableName(path));
    value.dispose();
    this.ownWeights.push({ name: options.name, path, variable: v, trainable });
    return v;
  }

  /** A weight's variable by its layer-local name ('kernel', 'bias', ...). */
  weight(name: string): Variable {
    const w = this.ownWeights.find((x) => x.name === name);
    if (!w) {
      throw new NeuriteError(
        `${this.className} '${this.name}' has no weight '${name}'. It has: ${this.ownWeights.map((x) => x.name).join(', ') || 'none (not built yet?)'}.`,
      );
    }
    return w.variable;
  }

  /** All weights, in creation order. */
  get weights(): LayerWeight[] {
    return [...this.ownWeights];
  }

  /** Weights the optimizer updates (none when the layer is frozen with trainable = false). */
  get trainableWeights(): LayerWeight[] {
    return this.trainable ? this.ownWeights.filter((w) => w.trainable) : [];
  }

  /** Weights that are not trained by gradients (BatchNormalization's moving statistics, frozen weights). */
  get nonTrainableWeights(): LayerWeight[] {
    return this.trainable ? this.ownWeights.filter((w) => !w.trainable) : [...this.ownWeights];
  }

  /** The number of scalars in all weights. */
  countParams(): number {
    return this.ownWeights.reduce((n, w) => n + w.variable.size, 0);
  }

  /** Reads every weight's values (asynchronously, so it works on every backend). */
  async getWeightValues(): Promise<{ path: string; shape: number[]; values: Float32Array }[]> {
    return Promise.all(
      this.ownWeights.map(async (w) => ({
        path: w.path,
        shape: [...w.variable.shape],
        values: (await w.variable.data()) as Float32Array,
      })),
    );
  }

  /** Overwrites the weights, in creation order; each value must match its weight's shape. */
  setWeightValues(values: ArrayLike<number>[] | { values: ArrayLike<number> }[]): void {
    if (values.length !== this.ownWeights.length) {
      throw new NeuriteError(
        `${this.className} '${this.name}': setWeightValues expects ${this.ownWeights.length} arrays ` +
          `(${this.ownWeights.map((w) => w.name).join(', ')}). Received ${values.length}.`,
      );
    }
    this.ownWeights.forEach((w, i) => {
      const v = values[i] as ArrayLike<number> | { values: ArrayLike<number> };
      const arr = 'values' in v && typeof v.values === 'object' ? v.values : (v as ArrayLike<number>);
      if (arr.length !== w.variable.size) {
        throw new NeuriteError(
          `${this.className} '${this.name}': weight '${w.name}' has shape [${w.variable.shape.join(', ')}] ` +
            `(${w.variable.size} values). Received ${arr.length} values.`,
        );
      }
      const t = tensor(Float32Array.from(arr), w.variable.shape);
      w.variable.assign(t);
      t.dispose();
    });
  }

  /** Frees the weights. */
  dispose(): void {
    for (const w of this.ownWeights) w.variable.dispose();
    this.ownWeights.length = 0;
    this.built = false;
    this.builtInputShape = undefined;
  }
}
