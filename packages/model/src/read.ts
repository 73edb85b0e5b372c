// model.json and its binaries read back into a model, on any platform: everything checked before
// anything is allocated (docs/guide/security.md).
import { NeuriteError } from '@neurite/core';
import { type Layer, layerFromConfig, registeredLayers, withInitialValues } from '@neurite/layers';
import { getLoss, type Loss } from '@neurite/losses';
import { getOptimizer, type Optimizer, type OptimizerState } from '@neurite/optimizers';
import { assemble, MAX_NODES } from './architecture.js';
import { checkOptimizerLayout, checkWeightLayout, type LoadLimits, resolveLimits } from './format/layout.js';
import { parseModelJson, quoted } from './format/schema.js';
import type { ModelJSON } from './format/types.js';
import { getMetric } from './metrics.js';
import type { Model } from './model.js';
import { checksum } from './write.js';

export type { LoadLimits } from './format/layout.js';
export { FORMAT_VERSION, type ModelJSON } from './format/types.js';

/** Options for loadModel() and fromArtifacts(). */
export interface LoadOptions extends LoadLimits {
  /**
   * Compile the model from model.json's `compile` (default true). Pass false to load a model whose
   * loss or optimizer cannot be rebuilt here (a custom loss function, say), for inference or to compile
   * it yourself.
   */
  compile?: boolean;
}

/**
 * model.json checked against itself and against the architecture it describes, before any binary file
 * is read or any tensor is made: the sizes the binary files must have, and everything needed to build.
 */
export interface CheckedModel {
  json: ModelJSON;
  model: Model;
  optimizer?: Optimizer;
  loss?: Loss;
  /** Expected byte length of each binary file. */
  weightBytes: number;
  optimizerBytes?: number;
}

function fail(source: string, what: string, fix: string): never {
  throw new NeuriteError(`Cannot load the model at ${source}: ${what} ${fix}`);
}

function reason(e: unknown): string {
  return e instanceof NeuriteError ? e.message : `${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? e}`;
}

function rebuildLayers(j: ModelJSON, source: string): Layer[] {
  const keys = registeredLayers();
  const known = (c: string) => keys.includes(c) || (!c.includes('>') && keys.some((k) => k.endsWith(`>${c}`)));
  // One message for every missing class, so a user installs every plugin at once.
  const unknown = [...new Set(j.layers.map((l) => l.className).filter((c) => !known(c)))];
  if (unknown.length > 0) {
    fail(
      source,
      `model.json uses layers that are not registered: ${unknown.map(quoted).join(', ')}. Registered: ${keys.join(', ')}.`,
      "If they come from a plugin, import it and call registerLayers([TheLayer], { package: '<plugin package>' }) before loading.",
    );
  }
  return j.layers.map((l, i) => {
    try {
      return layerFromConfig({ className: l.className, config: (l.config ?? {}) as never });
    } catch (e) {
      return fail(
        source,
        `layers[${i}] (${quoted(l.className)}) cannot be rebuilt: ${reason(e)}`,
        'Fix its config in model.json, or save the model again.',
      );
    }
  });
}

/**
 * Checks model.json (a parsed object) before any weight is read: its schema, that every layer resolves
 * and fits its input, that the weight index is exactly the layout the architecture creates (shapes and
 * offsets), and that the sizes stay under the limits. Nothing is allocated. `fromArtifacts` and
 * `loadModel` call it first; it is exported for tools that inspect a model without loading it.
 */
export function checkModelJson(json: unknown, source: string, options: LoadOptions = {}): CheckedModel {
  const limits = resolveLimits(options);
  const j = parseModelJson(json, source);
  let optimizer: Optimizer | undefined;
  let loss: Loss | undefined;
  if (j.compile && options.compile !== false) {
    try {
      optimizer = getOptimizer({ className: j.compile.optimizer.className, config: j.compile.optimizer.config ?? {} });
      loss = getLoss({ className: j.compile.loss.className, config: j.compile.loss.config ?? {} });
      for (const m of j.compile.metrics) getMetric(m, loss.targets);
      for (const o of j.compile.outputs ?? []) {
        const l = getLoss({ className: o.loss.className, config: o.loss.config ?? {} });
        for (const m of o.metrics) getMetric(m, l.targets);
      }
    } catch (e) {
      fail(
        source,
        `its compile settings cannot be rebuilt: ${reason(e)}`,
        'Load it with loadModel(dir, { compile: false }) and compile it yourself.',
      );
    }
  }
  if (j.inputs === undefined && j.inputShape === undefined) {
    fail(
      source,
      'model.json field inputShape is missing.',
      'A Sequential gives its input shape there; a graph its "inputs".',
    );
  }
  if (j.formatVersion < 2 && (j.inputs !== undefined || j.outputs !== undefined || j.layers.some((l) => l.inbound))) {
    fail(
      source,
      'model.json has format version 1, which has no graphs, yet it lists inputs, outputs or inbound nodes.',
      'The file was edited or is corrupt.',
    );
  }
  const layers = rebuildLayers(j, source);
  let model: Model;
  let planned: ReturnType<Model['planWeights']>;
  try {
    model = assemble(j, layers);
    const nodes = model.graphSize();
    if (nodes > MAX_NODES) {
      throw new NeuriteError(
        `the graph runs ${nodes} layer applications per input (nested models counted at each use); a model may run at most ${MAX_NODES}.`,
      );
    }
    planned = model.planWeights();
  } catch (e) {
    return fail(source, `its layers do not fit together: ${reason(e)}`, 'The file was edited or is corrupt.');
  }
  const listed = j.compile?.outputs;
  if (j.compile && !listed && options.compile !== false && model.outputNames.length > 1) {
    fail(
      source,
      `model.json compiles a model with ${model.outputNames.length} outputs but has no compile.outputs (each output's loss, weight and metrics), which a save always writes for several outputs.`,
      'The file was edited or is corrupt; load it with { compile: false } and compile it yourself.',
    );
  }
  if (listed && options.compile !== false && j.compile) {
    const first = listed[0];
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (
      first &&
      (first.loss.className !== j.compile.loss.className ||
        !same(first.loss.config ?? {}, j.compile.loss.config ?? {}) ||
        !same(first.metrics, j.compile.metrics))
    ) {
      fail(
        source,
        `model.json's compile.loss and compile.metrics (${JSON.stringify(j.compile.loss.className)}, ${JSON.stringify(j.compile.metrics)}) differ from its first output's in compile.outputs (${JSON.stringify(first.loss.className)}, ${JSON.stringify(first.metrics)}); a save writes the same.`,
        'The file was edited or is corrupt; load it with { compile: false } and compile it yourself.',
      );
    }
  }
  if (listed && options.compile !== false) {
    const names = model.outputNames;
    if (listed.length !== names.length || listed.some((o, i) => o.name !== names[i])) {
      fail(
        source,
        `model.json compiles outputs ${listed.map((o) => JSON.stringify(o.name)).join(', ')}; the graph's outputs are ${names.map((n) => JSON.stringify(n)).join(', ')}.`,
        'The file was edited or is corrupt; load it with { compile: false } and compile it yourself.',
      );
    }
  }
  const weightBytes = checkWeightLayout(j, planned, limits, source);
  const optimizerBytes =
    j.optimizer && options.compile !== false
      ? checkOptimizerLayout(j, planned, optimizer, limits, source, weightBytes)
      : undefined;
  return { json: j, model, optimizer, loss, weightBytes, optimizerBytes };
}

/** Checks a binary file's bytes against model.json: its length, then its checksum. */
function checkBinary(source: string, file: string, bytes: Uint8Array, byteLength: number, sum: string): void {
  if (bytes.byteLength !== byteLength) {
    fail(
      source,
      `${file} has ${bytes.byteLength} bytes; model.json expects ${byteLength} (truncated or from another save).`,
      'Save the model again, or restore both files from the same save.',
    );
  }
  const got = checksum(bytes);
  if (got !== sum) {
    fail(
      source,
      `${file} does not match model.json (checksum ${got}, expected ${sum}).`,
      'Restore both files from the same save.',
    );
  }
}

/** A float32 view of the bytes (a copy only when they do not start on a 4-byte boundary). */
function floats(bytes: Uint8Array): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(bytes.slice().buffer);
}

/**
 * Builds the checked model and fills it from the binary files, which must already have the sizes
 * checkModelJson() computed. On any failure the half-built model is freed.
 */
export function materialize(
  checked: CheckedModel,
  weights: Uint8Array,
  optimizer: Uint8Array | undefined,
  source: string,
): Model {
  const { json: j, model } = checked;
  checkBinary(source, j.weights.file, weights, checked.weightBytes, j.weights.checksum);
  if (optimizer && j.optimizer && checked.optimizer) {
    checkBinary(source, j.optimizer.file, optimizer, checked.optimizerBytes ?? 0, j.optimizer.checksum);
  }
  try {
    const values = floats(weights);
    // The layout check proved each entry sits at its weight's place with its weight's shape.
    const byPath = new Map(
      j.weights.entries.map((e) => {
        const n = e.shape.reduce((a, b) => a * b, 1);
        return [e.path, values.subarray(e.byteOffset / 4, e.byteOffset / 4 + n)];
      }),
    );
    withInitialValues(byPath, () => model.build());
    if (checked.optimizer && checked.loss && j.compile) {
      const outputs = j.compile.outputs;
      if (outputs) {
        model.compile({
          optimizer: checked.optimizer,
          loss: outputs.map((o) => ({ className: o.loss.className, config: o.loss.config ?? {} })),
          lossWeights: outputs.map((o) => o.weight),
          metrics: outputs.map((o) => o.metrics),
        });
      } else model.compile({ optimizer: checked.optimizer, loss: checked.loss, metrics: j.compile.metrics });
      if (optimizer && j.optimizer) {
        const slotValues = floats(optimizer);
        const weightOf = new Map(model.weights.map((w) => [w.path, w]));
        const state: OptimizerState = {
          className: j.optimizer.className,
          iterations: j.optimizer.iterations,
          slots: {},
        };
        for (const s of j.optimizer.slots) {
          const name = (weightOf.get(s.weight) as (typeof model.weights)[number]).variable.name;
          const n = s.shape.reduce((a, b) => a * b, 1);
          state.slots[name] ??= {};
          state.slots[name][s.slot] = {
            shape: s.shape,
            values: slotValues.subarray(s.byteOffset / 4, s.byteOffset / 4 + n),
          };
        }
        checked.optimizer.setState(state);
      }
    }
    model.epochsTrained = j.training.epochs;
    model.trainingPosition = j.training.position ? { ...j.training.position } : undefined;
    model.metadata = j.metadata ?? {};
    return model;
  } catch (e) {
    model.dispose();
    return fail(source, `building it failed: ${reason(e)}`, 'The file was edited or is corrupt.');
  }
}

/**
 * Rebuilds a model from model.json (parsed) and its binary files: any platform, bytes in, model out.
 * model.json is checked first (see checkModelJson), then each file's length and checksum. A missing
 * optimizer file is not an error: the optimizer starts fresh.
 */
export function fromArtifacts(
  json: unknown,
  weights: Uint8Array | undefined,
  optimizer: Uint8Array | undefined,
  source = 'the given artifacts',
  options: LoadOptions = {},
): Model {
  const checked = checkModelJson(json, source, options);
  if (!weights) {
    fail(source, `${checked.json.weights.file} is missing.`, 'Copy it next to model.json, or save the model again.');
  }
  return materialize(checked, weights, optimizer, source);
}
