// A TensorFlow.js layers model (model.json + weight shards) read into a Neurite model. Everything is
// checked before anything is allocated: the topology, every layer's mapping (all problems in one
// message), the weights each layer will create against the manifest (names and shapes), and the shard
// sizes against the manifest. Only then are the weights decoded and the model built from them.
import { withInitialValues } from '@neurite/layers';
import { type ArchitectureJSON, type Model, modelFromJSON } from '@neurite/model';
import { checkAxes, type InputShapes, toArchitecture } from './architecture.js';
import { assign } from './assign.js';
import { cannot, isObject } from './cannot.js';
import { type Findings, show } from './settings.js';
import { type KerasTopology, readTopology, TopologyError } from './topology.js';
import { decodeEntry, joinShards, type Manifest, type ManifestEntry, ManifestError, readManifest } from './weights.js';

/** The default bound on a model's weights, as float32 (what they take once read): 256 MiB. */
export const DEFAULT_MAX_WEIGHT_BYTES = 256 * 2 ** 20;

export interface ReadOptions {
  /**
   * Input shapes (without batch) for inputs the file leaves open (`[null, null, 3]` for any image
   * size): one shape for a model with one input, or shapes keyed by input name.
   */
  inputShape?: InputShapes;
  /** Refuse weights above this many bytes as float32, quantized or not (default 256 MiB). */
  maxBytes?: number;
  /** Where the model came from, for messages. */
  source?: string;
}

/** What a layers model is, as read from its model.json alone (nothing allocated). */
export interface LayersModelPlan {
  /** 'tfjs-layers' (written by tfjs's model.save()), 'keras2' or 'keras3' (by tensorflowjs_converter). */
  dialect: 'tfjs-layers' | 'keras2' | 'keras3';
  kerasVersion: string;
  generatedBy?: string | undefined;
  convertedBy?: string | undefined;
  /** The Neurite architecture the file maps to. */
  architecture: ArchitectureJSON;
  /** The manifest, checked; which entry each Neurite weight path reads. */
  manifest: Manifest;
  assignments: Map<string, ManifestEntry>;
  /** Settings that were dropped or approximated (regularizers, initializers Neurite lacks, ...). */
  notes: string[];
  /** Manifest entries no layer uses. */
  unused: string[];
}

/** The deepest nesting a model.json may have (Keras 3 configs nest about 10 deep). */
const MAX_DEPTH = 100;

// Deeper than `limit`? Walked with a stack of its own: a 10 KB file nested 5,000 deep must not
// overflow the call stack of whatever reads it next.
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (d > limit) return true;
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
  }
  return false;
}

// model.json's topology, in any dialect, after the checks that say a file is not a layers model at all.
function topologyOf(json: unknown, source: string): KerasTopology {
  checkFormat(json, source);
  try {
    return readTopology(json.modelTopology);
  } catch (e) {
    if (e instanceof TopologyError)
      cannot(source, e.message, 'The file is not a layers model this reader understands.');
    throw e;
  }
}

// What is not a layers model at all, said before anything else is read.
function checkFormat(json: unknown, source: string): asserts json is Record<string, unknown> {
  if (deeperThan(json, MAX_DEPTH))
    cannot(source, `model.json nests more than ${MAX_DEPTH} levels deep.`, 'It is not a model.');
  if (!isObject(json))
    cannot(source, `model.json must be an object. Received: ${show(json)}.`, 'Pass the parsed model.json.');
  if (json.format !== undefined && json.format !== 'layers-model') {
    cannot(
      source,
      `its format is ${show(json.format)}, not "layers-model".`,
      json.format === 'graph-model'
        ? 'A graph model is a frozen TensorFlow graph, not layers: convert the Keras model with --output_format=tfjs_layers_model.'
        : 'Point at a TensorFlow.js layers model.',
    );
  }
}

/**
 * Reads a layers model's model.json (parsed) into a plan: its dialect, the Neurite architecture, and
 * which manifest entry each weight reads. Nothing is allocated, no weight is read; every problem is
 * reported in one message. `readLayersModel` runs this first; `neurite inspect` shows it.
 */
export function planLayersModel(json: unknown, options: ReadOptions = {}): LayersModelPlan & { model: Model } {
  const source = options.source ?? 'model.json';
  const topology = topologyOf(json, source);
  const file = json as Record<string, unknown>;
  let manifest: Manifest;
  try {
    manifest = readManifest(file.weightsManifest ?? [], options.maxBytes ?? DEFAULT_MAX_WEIGHT_BYTES);
  } catch (e) {
    if (e instanceof ManifestError) cannot(source, e.message, 'The weights manifest is corrupt or too large.');
    throw e;
  }
  const findings: Findings = { problems: [], notes: [] };
  const architecture = toArchitecture(topology, options.inputShape, source, findings);
  const list = (p: string[]) => p.map((x) => `\n  - ${x}`).join('');
  if (findings.problems.length > 0) {
    cannot(
      source,
      `${findings.problems.length} setting(s) have no Neurite equivalent:${list(findings.problems)}\n`,
      'Change them in Keras and export again.',
    );
  }
  let model: Model;
  try {
    model = modelFromJSON(architecture);
  } catch (e) {
    return cannot(
      source,
      `its architecture does not assemble: ${(e as Error).message}`,
      'The file is corrupt or uses a form this reader does not know.',
    );
  }
  try {
    // Tracing the nodes computes every layer's output shape: the first place a layer that cannot take
    // its input (a crop larger than the map, a kernel larger than the image) says so.
    checkAxes(model, architecture, topology, findings);
  } catch (e) {
    model.dispose();
    cannot(
      source,
      `a layer does not fit its input: ${(e as Error).message}`,
      'The file is corrupt, or needs another inputShape.',
    );
  }
  let planned: ReturnType<typeof assign>;
  try {
    planned = assign(model, manifest, topology, findings);
  } catch (e) {
    return cannot(source, `a layer does not fit its input: ${(e as Error).message}`, 'The file is corrupt.');
  }
  if (findings.problems.length > 0) {
    cannot(
      source,
      `its weights do not match its layers:${list(findings.problems)}\n`,
      'Export the model again, weights and topology together.',
    );
  }
  const generatedBy = typeof file.generatedBy === 'string' ? file.generatedBy : undefined;
  const convertedBy = typeof file.convertedBy === 'string' ? file.convertedBy : undefined;
  const dialect =
    topology.dialect === 'keras3' ? 'keras3' : /^tfjs-layers/.test(topology.kerasVersion) ? 'tfjs-layers' : 'keras2';
  return {
    dialect,
    kerasVersion: topology.kerasVersion,
    generatedBy,
    convertedBy,
    architecture,
    manifest,
    ...planned,
    notes: findings.notes,
    model,
  };
}

/**
 * A layers model's inputs as its file declares them, without the batch, open dimensions as null: what
 * a caller fills in (from an image's size, say) before passing `inputShape`. Throws like planLayersModel
 * on a file that is not a layers model.
 *
 * @example
 * ```ts
 * import { layersModelInputs } from '@neurite/interchange';
 * const json = { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [
 *   { class_name: 'Conv2D', config: { name: 'c', filters: 1, kernel_size: 3, batch_input_shape: [null, null, null, 3] } } ] } } };
 * console.log(layersModelInputs(json)); // [ { name: 'c', shape: [ null, null, 3 ] } ]
 * ```
 */
export function layersModelInputs(json: unknown, source = 'model.json'): { name: string; shape: (number | null)[] }[] {
  const topology = topologyOf(json, source);
  const shapeOf = (l: KerasTopology['layers'][number]) => {
    const b = l.config.batch_input_shape ?? l.config.batch_shape;
    return Array.isArray(b) ? b.slice(1).map((d) => (Number.isInteger(d) ? (d as number) : null)) : [];
  };
  const inputs = topology.layers.filter((l) => l.className === 'InputLayer');
  if (topology.kind === 'sequential') {
    const first = inputs[0] ?? topology.layers[0];
    return first ? [{ name: first.name, shape: shapeOf(first) }] : [];
  }
  return inputs.map((l) => ({ name: l.name, shape: shapeOf(l) }));
}

/** A layers model read into Neurite, and what the reading noticed. */
export interface LayersModelReading {
  model: Model;
  plan: LayersModelPlan;
}

/**
 * Reads a TensorFlow.js layers model: `json` is its parsed model.json, `shards` the weight files of each
 * manifest group, in order (`shards[g][i]` is group g's i-th path), or one buffer per group. The file is
 * untrusted: see planLayersModel for what is checked before any allocation; the shard sizes must then
 * add up to what the manifest lists.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { readLayersModel } from '@neurite/interchange';
 * await useBackend('cpu');
 * const json = {
 *   format: 'layers-model',
 *   modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [
 *     { class_name: 'Dense', config: { name: 'd', units: 1, batch_input_shape: [null, 2] } } ] } },
 *   weightsManifest: [{ paths: ['w.bin'], weights: [
 *     { name: 'd/kernel', shape: [2, 1], dtype: 'float32' }, { name: 'd/bias', shape: [1], dtype: 'float32' } ] }],
 * };
 * const bytes = new Uint8Array(new Float32Array([2, 3, 1]).buffer);
 * const { model } = readLayersModel(json, [[bytes]]);
 * console.log(model.layers[0].className); // 'Dense'
 * ```
 */
export function readLayersModel(json: unknown, shards: Uint8Array[][], options: ReadOptions = {}): LayersModelReading {
  const { model, ...plan } = planLayersModel(json, options);
  return buildPlanned(model, plan, shards, options.source ?? 'model.json');
}

/** @internal The second half of readLayersModel: a planned model built from its shards' bytes. */
export function buildPlanned(
  model: Model,
  plan: LayersModelPlan,
  shards: Uint8Array[][],
  source: string,
): LayersModelReading {
  let groups: Uint8Array[];
  try {
    if (shards.length !== plan.manifest.groups.length) {
      throw new ManifestError(
        `${shards.length} weight group(s) were given; the manifest lists ${plan.manifest.groups.length}.`,
      );
    }
    groups = plan.manifest.groups.map((g, gi) => joinShards(g, shards[gi] as Uint8Array[], gi));
  } catch (e) {
    if (e instanceof ManifestError)
      cannot(source, e.message, 'Copy every shard next to model.json, from the same export.');
    throw e;
  }
  const values = new Map<string, Float32Array>();
  for (const [path, entry] of plan.assignments) {
    const v = decodeEntry(entry, groups[entry.group] as Uint8Array);
    // NaN or Infinity (float16 NaN bits, a quantization scale of 1e308) would predict noise, silently.
    if (!v.every(Number.isFinite)) {
      model.dispose();
      cannot(
        source,
        `weight '${entry.name}' holds NaN or infinite values.`,
        'The file is corrupt, or the model diverged when it was trained.',
      );
    }
    values.set(path, v);
  }
  try {
    withInitialValues(values, () => model.build());
  } catch (e) {
    model.dispose();
    cannot(source, `building it failed: ${(e as Error).message}`, 'The file is corrupt.');
  }
  return { model, plan };
}
