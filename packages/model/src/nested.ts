// A model used as a layer inside another: `inner.apply(x)` in a graph makes a node whose layer is
// this adapter. It owns no weights of its own: it reports, plans, builds and saves the inner model's,
// under their own paths (`<inner layer>/<weight>`), and its config is the inner model's architecture,
// so a saved outer model rebuilds the inner one from its file.
import { NeuriteError, type Tensor } from '@neurite/core';
import {
  type CallOptions,
  Layer,
  type LayerConfig,
  type LayerWeight,
  type PlannedWeight,
  registerLayers,
  type Shape,
} from '@neurite/layers';
import { modelFromJSON } from './architecture.js';
import type { ArchitectureJSON } from './contract.js';
import { Model } from './model.js';

type NestedConfig = LayerConfig & Partial<ArchitectureJSON> & Record<string, unknown>;

const show = (s: Shape) => `[${s.map((d) => d ?? 'null').join(', ')}]`;

export class ModelLayer extends Layer<NestedConfig> {
  static override className = 'Model';
  readonly model: Model;

  constructor(config: NestedConfig | { model: Model }) {
    const given = (config as { model?: unknown }).model;
    const inner = given instanceof Model ? given : modelFromJSON({ ...(config as NestedConfig) });
    super({ name: inner.name, trainable: (config as LayerConfig).trainable ?? true });
    this.model = inner;
    if (inner.outputs.length !== 1) {
      throw new NeuriteError(
        `Model '${inner.name}' has ${inner.outputs.length} outputs; a model used as a layer has one in this version. ` +
          'Apply its parts to the inputs instead, or make a model per output.',
      );
    }
    const n = inner.inputs.length;
    this.arity = { min: n, max: n };
  }

  override get takesList(): boolean {
    return this.model.inputs.length > 1;
  }

  override computeOutputShape(shapes: Shape | Shape[]): Shape {
    const list = (this.takesList ? shapes : [shapes]) as Shape[];
    this.model.inputs.forEach((t, i) => {
      const want = t.shape.slice(1);
      const got = list[i].slice(1);
      if (want.length !== got.length || want.some((d, k) => d !== got[k])) {
        throw new NeuriteError(
          `Model '${this.model.name}' used as a layer takes input '${t.name}' of shape ${show(t.shape)}; it was given ${show(list[i])}.`,
        );
      }
    });
    return this.model.outputShape;
  }

  override build(): void {
    this.model.build();
  }

  override planWeights(): PlannedWeight[] {
    return this.model.planWeights().map((p) => p.weight);
  }

  override ensureBuilt(): void {
    this.model.build();
    this.built = true;
  }

  override call(x: Tensor | Tensor[], options: CallOptions): Tensor {
    return this.model.call(x, { training: options.training });
  }

  override getConfig(): NestedConfig {
    return { ...this.model.toJSON(), name: this.name, trainable: this.trainable };
  }

  override get weights(): LayerWeight[] {
    return this.model.weights;
  }

  override get trainableWeights(): LayerWeight[] {
    return this.trainable ? this.model.trainableWeights : [];
  }

  override get nonTrainableWeights(): LayerWeight[] {
    const trainable = new Set(this.trainableWeights);
    return this.model.weights.filter((w) => !trainable.has(w));
  }

  override countParams(): number {
    return this.model.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  override async getWeightValues(): Promise<{ path: string; shape: number[]; values: Float32Array }[]> {
    return (await Promise.all(this.model.layers.map((l) => l.getWeightValues()))).flat();
  }

  override setWeightValues(values: ArrayLike<number>[] | { values: ArrayLike<number> }[]): void {
    let i = 0;
    for (const l of this.model.layers) {
      const n = l.weights.length;
      l.setWeightValues(values.slice(i, i + n) as ArrayLike<number>[]);
      i += n;
    }
  }

  override dispose(): void {
    for (const l of this.model.layers) l.dispose();
  }

  /** Every layer inside, nested models included: their names are the paths a save file finds weights by. */
  innerLayers(): Layer[] {
    return this.model.layers.flatMap((l) => (l instanceof ModelLayer ? [l, ...l.innerLayers()] : [l]));
  }
}

registerLayers([ModelLayer], { package: 'neurite' });
Model.asLayer = (m: Model) => new ModelLayer({ model: m });
