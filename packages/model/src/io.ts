import { NeuriteError } from '@neurite/core';
import { layerFromConfig, type SerializedLayer } from '@neurite/layers';
import type { OptimizerState } from '@neurite/optimizers';
import { Sequential } from './sequential.js';

/** The model.json format this version writes, and the newest it reads. */
export const FORMAT_VERSION = 1;

interface WeightEntry {
  path: string;
  shape: number[];
  byteOffset: number;
}

interface SlotEntry {
  weight: string;
  slot: string;
  shape: number[];
  byteOffset: number;
}

/** model.json, as documented in docs/model-format.md. */
export interface ModelJSON {
  format: 'neurite-model';
  formatVersion: number;
  name: string;
  inputShape: number[];
  layers: SerializedLayer[];
  compile: {
    optimizer: { className: string; config: unknown };
    loss: { className: string; config: unknown };
    metrics: string[];
  } | null;
  weights: {
    file: string;
    dtype: 'float32';
    byteOrder: 'little';
    byteLength: number;
    checksum: string;
    entries: WeightEntry[];
  };
  optimizer?: {
    file: string;
    className: string;
    iterations: number;
    byteLength: number;
    checksum: string;
    slots: SlotEntry[];
  };
  training: { epochs: number };
}

/** FNV-1a over the bytes: catches a weights file that does not belong to its model.json. */
function checksum(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return `fnv1a32:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

function pack(arrays: Float32Array[]): Uint8Array {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Float32Array(total);
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  // Float32Array uses the platform's byte order; every platform Neurite runs on is little-endian.
  return new Uint8Array(out.buffer);
}

/** The model as files in memory: model.json, weights.bin and (optionally) optimizer.bin. */
export async function toArtifacts(model: Sequential, includeOptimizer: boolean) {
  model.build();
  const weights = model.weights;
  const values = await Promise.all(weights.map(async (w) => new Float32Array(await w.variable.data())));
  const weightBytes = pack(values);
  let offset = 0;
  const entries = weights.map((w, i) => {
    const e = { path: w.path, shape: [...w.variable.shape], byteOffset: offset };
    offset += values[i].byteLength;
    return e;
  });
  const json: ModelJSON = {
    format: 'neurite-model',
    formatVersion: FORMAT_VERSION,
    name: model.name,
    inputShape: model.inputShape as number[],
    layers: model.toJSON().layers,
    compile:
      model.optimizer && model.loss
        ? {
            optimizer: {
              className: (model.optimizer.constructor as unknown as { className: string }).className,
              config: model.optimizer.getConfig(),
            },
            loss: { className: model.loss.className, config: model.loss.config },
            metrics: model.metricSpecs,
          }
        : null,
    weights: {
      file: 'weights.bin',
      dtype: 'float32',
      byteOrder: 'little',
      byteLength: weightBytes.byteLength,
      checksum: checksum(weightBytes),
      entries,
    },
    training: { epochs: model.epochsTrained },
  };
  let optimizerBytes: Uint8Array | undefined;
  if (includeOptimizer && model.optimizer) {
    const state = await model.optimizer.getState();
    const pathOf = new Map(weights.map((w) => [w.variable.name, w.path]));
    const slots: SlotEntry[] = [];
    const arrays: Float32Array[] = [];
    let o = 0;
    for (const [varName, byName] of Object.entries(state.slots)) {
      const weight = pathOf.get(varName);
      if (!weight) continue; // state for a variable outside this model
      for (const [slot, s] of Object.entries(byName)) {
        slots.push({ weight, slot, shape: s.shape, byteOffset: o });
        arrays.push(s.values);
        o += s.values.byteLength;
      }
    }
    optimizerBytes = pack(arrays);
    json.optimizer = {
      file: 'optimizer.bin',
      className: state.className,
      iterations: state.iterations,
      byteLength: optimizerBytes.byteLength,
      checksum: checksum(optimizerBytes),
      slots,
    };
  }
  return { json, weights: weightBytes, optimizer: optimizerBytes };
}

function fail(source: string, what: string, fix: string): never {
  throw new NeuriteError(`Cannot load the model at ${source}: ${what} ${fix}`);
}

/** Rebuilds a model from model.json and its binary files (any platform: bytes in, model out). */
export function fromArtifacts(
  json: unknown,
  weights: Uint8Array | undefined,
  optimizer: Uint8Array | undefined,
  source = 'the given artifacts',
): Sequential {
  const j = json as ModelJSON;
  if (!j || typeof j !== 'object' || j.format !== 'neurite-model') {
    fail(
      source,
      'model.json is not a Neurite model (no "format": "neurite-model").',
      'Point at a folder written by model.save().',
    );
  }
  if (typeof j.formatVersion !== 'number' || j.formatVersion > FORMAT_VERSION) {
    fail(
      source,
      `model.json has format version ${j.formatVersion}, newer than this @neurite/model reads (${FORMAT_VERSION}).`,
      'Upgrade @neurite/model to load it.',
    );
  }
  if (!weights)
    fail(
      source,
      `${j.weights?.file ?? 'weights.bin'} is missing.`,
      'Copy it next to model.json, or save the model again.',
    );
  if (weights.byteLength !== j.weights.byteLength) {
    fail(
      source,
      `${j.weights.file} has ${weights.byteLength} bytes; model.json expects ${j.weights.byteLength} (truncated or from another save).`,
      'Save the model again, or restore both files from the same save.',
    );
  }
  if (checksum(weights) !== j.weights.checksum) {
    fail(
      source,
      `${j.weights.file} does not match model.json (checksum ${checksum(weights)}, expected ${j.weights.checksum}).`,
      'Restore both files from the same save.',
    );
  }
  const model = new Sequential(
    j.layers.map((l) => layerFromConfig(l)),
    { name: j.name, inputShape: j.inputShape },
  );
  model.build();
  const floats = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength));
  const byPath = new Map(model.weights.map((w) => [w.path, w]));
  if (byPath.size !== j.weights.entries.length) {
    fail(
      source,
      `model.json lists ${j.weights.entries.length} weights but its layers create ${byPath.size}.`,
      'The file was edited or is corrupt; save the model again.',
    );
  }
  for (const layer of model.layers) {
    const vals = layer.weights.map((w) => {
      const e = j.weights.entries.find((x) => x.path === w.path);
      if (!e) fail(source, `weight '${w.path}' is missing from model.json.`, 'Save the model again.');
      const n = e.shape.reduce((a, b) => a * b, 1);
      return floats.subarray(e.byteOffset / 4, e.byteOffset / 4 + n);
    });
    if (vals.length) layer.setWeightValues(vals);
  }
  if (j.compile)
    model.compile({
      optimizer: j.compile.optimizer as never,
      loss: j.compile.loss as never,
      metrics: j.compile.metrics,
    });
  model.epochsTrained = j.training?.epochs ?? 0;
  if (j.optimizer && optimizer && model.optimizer) {
    if (optimizer.byteLength !== j.optimizer.byteLength || checksum(optimizer) !== j.optimizer.checksum) {
      fail(
        source,
        `${j.optimizer.file} does not match model.json (truncated or from another save).`,
        'Restore both files from the same save, or load without it.',
      );
    }
    const of = new Float32Array(
      optimizer.buffer.slice(optimizer.byteOffset, optimizer.byteOffset + optimizer.byteLength),
    );
    const state: OptimizerState = { className: j.optimizer.className, iterations: j.optimizer.iterations, slots: {} };
    for (const s of j.optimizer.slots) {
      const w = byPath.get(s.weight);
      if (!w) continue;
      const n = s.shape.reduce((a, b) => a * b, 1);
      state.slots[w.variable.name] ??= {};
      state.slots[w.variable.name][s.slot] = {
        shape: s.shape,
        values: of.slice(s.byteOffset / 4, s.byteOffset / 4 + n),
      };
    }
    model.optimizer.setState(state);
  }
  return model;
}
