// model.json's shape as TypeScript types, written out by hand so the published declarations do not
// depend on the validator's (schema.ts checks at compile time that its schema produces exactly these).

/**
 * The model.json format this version writes, and the newest it reads. Version 2 added graphs (`inputs`,
 * each layer's `inbound`, `outputs`); version 1 files (a Sequential's `inputShape` and `layers`) still load.
 */
export const FORMAT_VERSION = 2;

/** A node in a saved graph: an input's or a layer's name, or [layer, use] for a shared layer's later use. */
export type NodeRef = string | [string, number];

/** A layer in model.json: its class and config, and in a graph the inputs of each of its uses. */
export interface LayerEntry {
  className: string;
  config?: Record<string, unknown> | undefined;
  /** A graph's layers only: for each use of the layer, the nodes it reads. */
  inbound?: NodeRef[][] | undefined;
}

/** A class name and its plain JSON config (a layer, an optimizer or a loss). */
export interface ClassAndConfig {
  className: string;
  config?: Record<string, unknown> | undefined;
}

/** One weight's place in the weights file. */
export interface WeightEntry {
  path: string;
  shape: number[];
  byteOffset: number;
}

/** One optimizer slot's place in the optimizer file. */
export interface SlotEntry {
  weight: string;
  slot: string;
  shape: number[];
  byteOffset: number;
}

/**
 * Where an interrupted fit() stopped inside an epoch (`model.trainingPosition`, and model.json's
 * `training.position`): the epoch, the batches of it already trained, the data order's seed, the random
 * stream's state, and the epoch's running sums. See FitOptions.resume.
 */
export interface SavedPosition {
  /** The epoch in progress, 0-based. */
  epoch: number;
  /** Batches of that epoch already trained. */
  batch: number;
  /** The batch size and sample count of array data (null for a batch source). */
  batchSize: number | null;
  trainSamples: number | null;
  /** The seed of the epoch's shuffle order (null when not shuffled or for a batch source). */
  permutationSeed: number | null;
  /** core's random stream after the last trained batch (see randomState()). */
  randomState: number;
  /** The epoch's running loss sum, sample count and metric counts so far. */
  lossSum: number;
  samples: number;
  counts: [number, number][];
  /**
   * What each entry of `counts` counts (the log keys, e.g. `digitLoss`, `accuracy`), so that a resume
   * under other metrics is refused; files written before it was recorded have none.
   */
  keys?: string[] | undefined;
}

/** model.json after validation. */
export interface ModelJSON {
  format: 'neurite-model';
  formatVersion: number;
  name: string;
  /** A Sequential's input shape, without batch (a graph gives its shapes in `inputs`). */
  inputShape?: number[] | undefined;
  layers: LayerEntry[];
  /** A graph's inputs, in order. */
  inputs?: { name: string; shape: number[] }[] | undefined;
  /** A graph's outputs, in order. */
  outputs?: NodeRef[] | undefined;
  /**
   * How the model was compiled. `loss` and `metrics` are the first output's; a model with several
   * outputs, or a weighted loss, also lists every output's loss, weight and metrics in `outputs`.
   */
  compile: {
    optimizer: ClassAndConfig;
    loss: ClassAndConfig;
    metrics: string[];
    outputs?: { name: string; loss: ClassAndConfig; weight: number; metrics: string[] }[] | undefined;
  } | null;
  weights: {
    file: string;
    dtype: 'float32';
    byteOrder: 'little';
    byteLength: number;
    checksum: string;
    entries: WeightEntry[];
  };
  optimizer?:
    | { file: string; className: string; iterations: number; byteLength: number; checksum: string; slots: SlotEntry[] }
    | undefined;
  training: { epochs: number; position?: SavedPosition | undefined };
  metadata?: Record<string, unknown> | undefined;
}
