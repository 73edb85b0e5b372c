// model.json's shape as TypeScript types, written out by hand so the published declarations do not
// depend on the validator's (schema.ts checks at compile time that its schema produces exactly these).

/** The model.json format this version writes, and the newest it reads. */
export const FORMAT_VERSION = 1;

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

/** A mid-epoch position as model.json stores it (see FitOptions.resume). */
export interface SavedPosition {
  epoch: number;
  batch: number;
  batchSize: number | null;
  trainSamples: number | null;
  permutationSeed: number | null;
  randomState: number;
  lossSum: number;
  samples: number;
  counts: [number, number][];
}

/** model.json after validation. */
export interface ModelJSON {
  format: 'neurite-model';
  formatVersion: number;
  name: string;
  inputShape: number[];
  layers: ClassAndConfig[];
  compile: { optimizer: ClassAndConfig; loss: ClassAndConfig; metrics: string[] } | null;
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
