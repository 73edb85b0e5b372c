// The leaf of the package: what the training loop, the workers and a save read of a model, as types
// only. Model implements it; training.ts, targets.ts, parallel/* and save.ts import this, not model.ts,
// so no module of the package imports back up the chain (model.ts -> training.ts -> contract.ts).
import type { Tensor } from '@neurite/core';
import type { Layer, LayerWeight, SerializedLayer, Shape } from '@neurite/layers';
import type { Loss } from '@neurite/losses';
import type { Optimizer } from '@neurite/optimizers';
import type { NodeRef, SavedPosition } from './format/types.js';
import type { Metric } from './metrics.js';
import type { OutputObjective } from './objective.js';

export type { NodeRef } from './format/types.js';

/** The architecture part of model.json: a Sequential's stack, or a graph's inputs, layers (with their inbound nodes) and outputs. */
export interface ArchitectureJSON {
  name: string;
  /** A Sequential's input shape (without batch). */
  inputShape?: number[] | undefined;
  /** Each layer once, in weight order; in a graph each lists its uses' inputs in `inbound`. */
  layers: (SerializedLayer & { inbound?: NodeRef[][] | undefined })[];
  /** A graph's inputs. */
  inputs?: { name: string; shape: number[] }[] | undefined;
  /** A graph's outputs. */
  outputs?: NodeRef[] | undefined;
}

/** What fit(), evaluate(), the workers and a save use of a model (Model implements it). */
export interface FitModel {
  readonly name: string;
  readonly layers: Layer[];
  inputShape?: number[] | undefined;
  readonly outputShape: Shape;
  /** Every output's shape, in graph order. */
  readonly outputShapes: Shape[];
  /** Input names, in graph order. */
  readonly inputNames: string[];
  /** Output names (their layers'), in graph order. */
  readonly outputNames: string[];
  optimizer?: Optimizer | undefined;
  /** The first output's loss and metrics (a model with one output has only these). */
  loss?: Loss | undefined;
  metrics: Metric[];
  metricSpecs: string[];
  /** Per output: its loss, loss weight and metrics, once compiled. */
  objective?: OutputObjective[] | undefined;
  stopTraining: boolean;
  epochsTrained: number;
  trainingPosition?: SavedPosition | undefined;
  metadata: Record<string, unknown>;
  readonly weights: LayerWeight[];
  readonly trainableWeights: LayerWeight[];
  build(): Shape[];
  call(x: Tensor, options?: { training?: boolean }): Tensor;
  /** Every output for inputs in graph order. */
  callAll(xs: Tensor[], options?: { training?: boolean }): Tensor[];
  checkInput(x: Tensor | { shape: number[] }, what: string): void;
  /** The inputs as a list in graph order (a tensor, a list, or an object keyed by input name), each checked. */
  inputTensors(x: Tensor | Tensor[] | Record<string, Tensor>, what: string): Tensor[];
  requireCompiled(what: string): { optimizer: Optimizer; loss: Loss; objective: OutputObjective[] };
  toJSON(): ArchitectureJSON;
}
