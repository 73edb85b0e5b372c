import { NeuriteError } from '@neurite/core';
import { type Layer, type SerializedLayer, type Shape, SymbolicTensor, serializeLayers } from '@neurite/layers';
import type { Graph } from './graph.js';
import { Model } from './model.js';
import { type ModelSummary, summarize } from './summary.js';

export type { CompileOptions, LayerActivation } from './model.js';

let sequentialCount = 0;

/**
 * A stack of layers, each feeding the next: the model of the course's CNN and MLP. A Sequential is a
 * Model whose graph is a chain; everything a Model does, it does.
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
export class Sequential extends Model {
  static override className = 'Sequential';
  // The chain, traced for the layers and input shape it was made for.
  private chain?: { graph: Graph; layers: number; inputShape: string };

  constructor(layers: Layer[] = [], options: { name?: string; inputShape?: number[] } = {}) {
    super(undefined, options.name ?? `sequential_${++sequentialCount}`);
    if (options.inputShape) this.inputShape = [...options.inputShape];
    for (const l of layers) this.add(l);
  }

  /** Appends a layer. Names must be unique within the model. */
  add(layer: Layer): this {
    const names = (l: Layer) => [l, ...((l as { innerLayers?: () => Layer[] }).innerLayers?.() ?? [])];
    const taken = new Map(this.layers.flatMap(names).map((l) => [l.name, l]));
    const clash = names(layer).find((l) => taken.has(l.name) || names(layer).some((o) => o !== l && o.name === l.name));
    if (clash) {
      throw new NeuriteError(
        `${this.name}: a layer named '${clash.name}' is already in the model (inside ${layer.className} '${layer.name}' or beside it). ` +
          'Layer names are weight paths in a save: give each layer a unique name.',
      );
    }
    if (this.layers.some((l) => l.name === layer.name)) {
      throw new NeuriteError(
        `${this.name}: a layer named '${layer.name}' is already in the model. Give each layer a unique name.`,
      );
    }
    if (layer.takesList) {
      throw new NeuriteError(
        `${this.name}: ${layer.className} '${layer.name}' takes several inputs, and a Sequential model has one path. ` +
          'Build the model with the functional API: input(), layer.apply(...), model({ inputs, outputs }).',
      );
    }
    if (this.layers.length === 0 && !this.inputShape) {
      const given = (layer.getConfig() as { inputShape?: number[] }).inputShape;
      if (given) this.inputShape = [...given];
    }
    this.layers.push(layer);
    return this;
  }

  protected override useInputShape(shape: number[]): void {
    this.inputShape = [...shape];
  }

  /** @internal The chain of layers as a graph, traced again when the layers or the input shape change. */
  override graph(): Graph {
    if (!this.inputShape) {
      throw new NeuriteError(
        `${this.name}: the input shape is unknown. Give the first layer an inputShape (e.g. inputShape: [28, 28, 1]) ` +
          'or call build([28, 28, 1]).',
      );
    }
    if (this.layers.length === 0) throw new NeuriteError(`${this.name}: the model has no layers. Add some with add().`);
    const key = this.inputShape.join(',');
    if (this.chain && this.chain.layers === this.layers.length && this.chain.inputShape === key)
      return this.chain.graph;
    const input = new SymbolicTensor([null, ...this.inputShape], { layer: undefined, inputs: [], inputName: 'input' });
    let t = input;
    const nodes: SymbolicTensor[] = [];
    for (const layer of this.layers) {
      let shape: Shape;
      try {
        shape = layer.outputShapeFor(t.shape);
      } catch (e) {
        if (e instanceof NeuriteError) throw new NeuriteError(`${this.name}: ${e.message}`);
        throw e;
      }
      t = new SymbolicTensor(shape, { layer, inputs: [t] });
      nodes.push(t);
    }
    const graph: Graph = {
      inputs: [input],
      outputs: [t],
      nodes,
      layers: [...this.layers],
      use: new Map(nodes.map((n) => [n, 0])),
    };
    this.chain = { graph, layers: this.layers.length, inputShape: key };
    return graph;
  }

  /** A Keras-style table of layers, output shapes and parameter counts; printed unless `print: false`. */
  override summary(options: { print?: false | ((text: string) => void) } = {}): ModelSummary {
    const s = summarize(this.name, this.layers, this.build());
    const print = options.print === undefined ? console.log : options.print;
    if (print) print(s.text);
    return s;
  }

  /** The model's architecture as JSON (the `layers` part of model.json). */
  override toJSON(): { name: string; inputShape: number[] | undefined; layers: SerializedLayer[] } {
    return { name: this.name, inputShape: this.inputShape, layers: serializeLayers(this.layers) };
  }
}

/** Builds a Sequential model from a list of layers. */
export function sequential(layers: Layer[], options: { name?: string; inputShape?: number[] } = {}): Sequential {
  return new Sequential(layers, options);
}
