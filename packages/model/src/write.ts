// A model as files in memory (model.json, the weights and the optimizer's state): the save side of the
// format, on any platform.
import { NeuriteError } from '@neurite/core';
import type { Loss } from '@neurite/losses';
import type { FitModel } from './contract.js';
import { depthOf, MAX_JSON_DEPTH, parseModelJson } from './format/schema.js';
import { FORMAT_VERSION, type ModelJSON } from './format/types.js';

/** FNV-1a over the bytes: catches a weights file that does not belong to its model.json. */
export function checksum(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return `fnv1a32:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * A loss as model.json stores it. A custom function is stored as `custom:<its name>`, so that a load
 * never takes a function named `mse` for the built-in one (it cannot compile it: load with
 * `{ compile: false }` and compile with the function).
 */
function lossJSON(loss: Loss): { className: string; config: Record<string, unknown> } {
  return { className: loss.custom ? `custom:${loss.className}` : loss.className, config: loss.config };
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

/** The names a save gives its binary files: `files.weights`, and `files.optimizer` when there is one. */
export interface ArtifactFiles {
  weights: string;
  optimizer: string;
}

/** A model as files in memory: model.json, the weights and (optionally) the optimizer's state. */
export interface ModelArtifacts {
  json: ModelJSON;
  weights: Uint8Array;
  optimizer: Uint8Array | undefined;
}

/** The model as files in memory: model.json, the weights and (optionally) the optimizer's state. */
export async function toArtifacts(
  model: FitModel,
  includeOptimizer: boolean,
  files: ArtifactFiles = { weights: 'weights.bin', optimizer: 'optimizer.bin' },
): Promise<ModelArtifacts> {
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
  const position = model.trainingPosition;
  const { name: _name, ...architecture } = model.toJSON();
  const json: ModelJSON = {
    format: 'neurite-model',
    formatVersion: FORMAT_VERSION,
    name: model.name,
    ...architecture,
    compile:
      model.optimizer && model.loss
        ? {
            optimizer: {
              className: (model.optimizer.constructor as unknown as { className: string }).className,
              config: model.optimizer.getConfig(),
            },
            loss: lossJSON(model.loss),
            metrics: model.metricSpecs,
            ...(model.objective && (model.objective.length > 1 || model.objective[0].weight !== 1)
              ? {
                  outputs: model.objective.map((o) => ({
                    name: o.output,
                    loss: lossJSON(o.loss),
                    weight: o.weight,
                    metrics: o.metricSpecs,
                  })),
                }
              : {}),
          }
        : null,
    weights: {
      file: files.weights,
      dtype: 'float32',
      byteOrder: 'little',
      byteLength: weightBytes.byteLength,
      checksum: checksum(weightBytes),
      entries,
    },
    training: { epochs: model.epochsTrained, ...(position ? { position: { ...position } } : {}) },
  };
  if (Object.keys(model.metadata).length > 0) {
    // Checked before stringifying: a loader refuses deeper files, and a very deep value overflows the stack.
    if (depthOf(model.metadata) > MAX_JSON_DEPTH - 2) {
      throw new NeuriteError(
        `${model.name}.save: model.metadata nests more than ${MAX_JSON_DEPTH - 2} levels deep; a loader would refuse it. Flatten it.`,
      );
    }
    json.metadata = JSON.parse(JSON.stringify(model.metadata));
  }
  let optimizerBytes: Uint8Array | undefined;
  if (includeOptimizer && model.optimizer) {
    const state = await model.optimizer.getState();
    const pathOf = new Map(weights.map((w) => [w.variable.name, w.path]));
    const slots: NonNullable<ModelJSON['optimizer']>['slots'] = [];
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
      file: files.optimizer,
      className: state.className,
      iterations: state.iterations,
      byteLength: optimizerBytes.byteLength,
      checksum: checksum(optimizerBytes),
      slots,
    };
  }
  // A save that loadModel would refuse (over one of its limits: names, inputs, uses, depth) fails now,
  // not when someone tries to load it.
  try {
    parseModelJson(JSON.parse(JSON.stringify(json)), 'the model being saved');
  } catch (e) {
    throw new NeuriteError(
      `${model.name}.save: loadModel would refuse this model, so it is not saved: ${(e as Error).message.replace(/^Cannot load the model at the model being saved: /, '').replace(/ The file was edited or is corrupt: save the model again\.$/, '')} ` +
        'Change the model to fit the format (docs/model-format.md).',
    );
  }
  return { json, weights: weightBytes, optimizer: optimizerBytes };
}
