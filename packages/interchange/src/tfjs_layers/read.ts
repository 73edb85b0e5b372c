// A TensorFlow.js layers model (model.json + weight shards) read into a Neurite model. Everything is
// checked before anything is allocated: the topology, every layer's mapping (all problems in one
// message), the weights each layer will create against the manifest (names and shapes), and the shard
// sizes against the manifest. Only then are the weights decoded and the model built from them.
import { NeuriteError } from '@neurite/core';
import { withInitialValues } from '@neurite/layers';
import { type ArchitectureJSON, type Model, modelFromJSON, type NodeRef } from '@neurite/model';
import { kerasClasses, kerasWeightName, mappingForKeras } from './mapping.js';
import { type Findings, KerasSettings, show } from './settings.js';
import { type KerasRef, type KerasTopology, readTopology, TopologyError } from './topology.js';
import { decodeEntry, joinShards, type Manifest, type ManifestEntry, ManifestError, readManifest } from './weights.js';

/** The default bound on a model's weight bytes (as stored): 256 MiB. */
export const DEFAULT_MAX_WEIGHT_BYTES = 256 * 2 ** 20;

export interface ReadOptions {
  /**
   * Input shapes (without batch) for inputs the file leaves open (`[null, null, 3]` for any image
   * size): one shape for a model with one input, or shapes keyed by input name.
   */
  inputShape?: number[] | Record<string, number[]>;
  /** Refuse weights above this many bytes as stored (default 256 MiB). */
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

function cannot(source: string, what: string, fix: string): never {
  throw new NeuriteError(`Cannot read the layers model ${source}: ${what} ${fix}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An input shape from a Keras config's batch shape: batch dropped, open dims filled from the options. */
function inputShapeOf(batchShape: unknown, name: string, options: ReadOptions, source: string): number[] {
  if (!Array.isArray(batchShape) || batchShape.length < 2 || batchShape.length > 8) {
    cannot(
      source,
      `input '${name}' has no batch_input_shape (or batch_shape) such as [null, 28, 28, 1]. Received: ${show(batchShape)}.`,
      'Save the model with its input shape.',
    );
  }
  const byName = options.inputShape as Record<string, unknown> | undefined;
  const own = Array.isArray(byName) ? byName : byName && Object.hasOwn(byName, name) ? byName[name] : undefined;
  if (own !== undefined && !(Array.isArray(own) && own.every((d) => Number.isInteger(d)))) {
    cannot(
      source,
      `the input shape given for '${name}' is ${show(own)}, not a list of integers.`,
      'Pass inputShape as [h, w, c] or { [input]: [h, w, c] }.',
    );
  }
  const given = own as number[] | undefined;
  const shape = batchShape.slice(1).map((d, i) => (d === null ? given?.[i] : d));
  if (
    given !== undefined &&
    (given.length !== shape.length || !given.every((d, i) => batchShape[i + 1] === null || batchShape[i + 1] === d))
  ) {
    cannot(
      source,
      `the input shape given for '${name}', [${given.join(', ')}], does not fit the file's [${batchShape.slice(1).map(String).join(', ')}].`,
      'Give a shape that fills only its open (null) dimensions.',
    );
  }
  if (!shape.every((d) => Number.isInteger(d) && (d as number) > 0 && (d as number) <= 2 ** 24)) {
    cannot(
      source,
      `input '${name}' has shape [${batchShape.slice(1).map(String).join(', ')}] with open dimensions.`,
      `Give them with the inputShape option (e.g. { inputShape: [${batchShape
        .slice(1)
        .map((d) => (d === null ? 224 : d))
        .join(', ')}] }).`,
    );
  }
  return shape as number[];
}

/** The Neurite architecture for a topology, with every mapping problem collected. */
function toArchitecture(t: KerasTopology, options: ReadOptions, source: string, findings: Findings): ArchitectureJSON {
  const isInput = (c: string) => c === 'InputLayer';
  const missing = [
    ...new Set(t.layers.filter((l) => !isInput(l.className) && !mappingForKeras(l.className)).map((l) => l.className)),
  ];
  if (missing.length > 0) {
    cannot(
      source,
      `it uses Keras layers Neurite has no mapping for: ${missing.map((c) => `'${show(c).slice(1, -1)}'`).join(', ')}. Known: ${kerasClasses().join(', ')}.`,
      'If a plugin provides the layer, register it (registerLayers) and map it with registerKerasLayer({ keras, neurite, read, write }) before reading.',
    );
  }
  const layers: ArchitectureJSON['layers'] = [];
  const inputs: { name: string; shape: number[] }[] = [];
  const inputNames = new Set<string>();
  const callCount = new Map(t.layers.map((l) => [l.name, l.calls.length]));
  const refOf = (r: KerasRef, where: string): NodeRef => {
    if (r[2] !== 0)
      findings.problems.push(`${where}: reads output ${r[2]} of '${r[0]}' (Neurite layers have one output)`);
    if (inputNames.has(r[0])) return r[0];
    return (callCount.get(r[0]) ?? 0) > 1 ? [r[0], r[1]] : r[0];
  };
  for (const l of t.layers) if (isInput(l.className)) inputNames.add(l.name);
  let sequentialShape: number[] | undefined;
  for (const [i, l] of t.layers.entries()) {
    const batchShape = l.config.batch_input_shape ?? l.config.batch_shape;
    if (isInput(l.className)) {
      const shape = inputShapeOf(batchShape, l.name, options, source);
      if (t.kind === 'sequential') {
        if (i !== 0) findings.problems.push(`InputLayer '${l.name}': a Sequential has its input first`);
        sequentialShape = shape;
      } else inputs.push({ name: l.name, shape });
      continue;
    }
    if (t.kind === 'sequential' && layers.length === 0 && sequentialShape === undefined && batchShape !== undefined) {
      sequentialShape = inputShapeOf(batchShape, l.name, options, source);
    }
    const mapping = mappingForKeras(l.className);
    if (!mapping) continue;
    const settings = new KerasSettings(`${l.className} '${l.name}'`, l.config, findings);
    const dtype = l.config.dtype;
    const dtypeName = isObject(dtype) ? (dtype.config as Record<string, unknown> | undefined)?.name : dtype;
    if (
      dtypeName !== undefined &&
      dtypeName !== null &&
      !['float32', 'mixed_float16', 'mixed_bfloat16', 'float16'].includes(dtypeName as string)
    ) {
      findings.problems.push(`${l.className} '${l.name}': dtype ${show(dtypeName)} (Neurite computes in float32)`);
    }
    let config: Record<string, unknown> = {};
    try {
      config = mapping.read(settings);
      settings.finish();
    } catch (e) {
      findings.problems.push(`${l.className} '${l.name}': ${(e as Error).message}`);
    }
    config.name = l.name;
    if (l.config.trainable === false) config.trainable = false;
    const entry: ArchitectureJSON['layers'][number] = { className: mapping.neurite, config: config as never };
    if (t.kind === 'functional') {
      entry.inbound = l.calls.map((call, n) => call.map((r) => refOf(r, `layer '${l.name}' call ${n}`)));
    }
    layers.push(entry);
  }
  if (t.kind === 'sequential') return { name: t.name, inputShape: sequentialShape, layers };
  const ends = (refs: KerasRef[], what: string) => refs.map((r) => refOf(r, what));
  // A model input is listed by its name alone; the order is input_layers'.
  const byName = new Map(inputs.map((x) => [x.name, x]));
  const ordered = t.inputs.map(
    (r) =>
      byName.get(r[0]) ??
      cannot(
        source,
        `input_layers names '${show(r[0]).slice(1, -1)}', which is not an InputLayer.`,
        'The file is corrupt.',
      ),
  );
  return { name: t.name, inputs: ordered, layers, outputs: ends(t.outputs, 'output_layers') };
}

// Manifest names as Keras writes them: `<layer>/<weight>`, perhaps under a model prefix, perhaps `:0`.
const bare = (n: string) => n.replace(/:0$/, '');

/** Which manifest entry each weight of the model reads, by name (or Keras 3's `vars/<i>`), shapes checked. */
function assign(
  model: Model,
  manifest: Manifest,
  file: KerasTopology,
  findings: Findings,
): { assignments: Map<string, ManifestEntry>; unused: string[] } {
  const classOf = new Map(file.layers.map((l) => [l.name, l.className]));
  const entries = manifest.entries.map((e) => ({ e, n: bare(e.name) }));
  const exact = new Map(entries.map((x) => [x.n, x.e]));
  // Entries by their last 2 to 4 name segments ('block/conv/kernel' under 'model/block/conv/kernel'),
  // so a scoped name is found in one lookup rather than a scan of every entry per weight.
  const suffixes = new Map<string, { e: ManifestEntry; n: string }[]>();
  for (const x of entries) {
    const parts = x.n.split('/');
    for (let k = 2; k <= 4 && k < parts.length; k++) {
      const key = parts.slice(-k).join('/');
      const list = suffixes.get(key);
      if (list) list.push(x);
      else suffixes.set(key, [x]);
    }
  }
  const assignments = new Map<string, ManifestEntry>();
  const used = new Set<ManifestEntry>();
  const index = new Map<string, number>();
  for (const { layer, weight } of model.planWeights()) {
    const i = index.get(layer.name) ?? 0;
    index.set(layer.name, i + 1);
    const keras = kerasWeightName(mappingForKeras(classOf.get(layer.name) ?? ''), weight.name);
    const names = [`${layer.name}/${keras}`, `${layer.name}/vars/${i}`];
    let found: ManifestEntry | undefined;
    for (const want of names) {
      found = exact.get(want);
      if (found) break;
      const suffixed = suffixes.get(want) ?? [];
      if (suffixed.length > 1) {
        findings.problems.push(
          `weight '${weight.path}': several manifest entries end in '${want}' (${suffixed.map((x) => x.e.name).join(', ')})`,
        );
      }
      if (suffixed.length === 1) {
        found = (suffixed[0] as { e: ManifestEntry }).e;
        break;
      }
    }
    if (!found) {
      findings.problems.push(
        `weight '${weight.path}' [${weight.shape.join(', ')}]: no manifest entry named '${names[0]}'`,
      );
      continue;
    }
    if (found.shape.length !== weight.shape.length || found.shape.some((d, k) => d !== weight.shape[k])) {
      findings.problems.push(
        `weight '${weight.path}': the layer makes [${weight.shape.join(', ')}], the file has '${found.name}' as [${found.shape.join(', ')}]`,
      );
      continue;
    }
    assignments.set(weight.path, found);
    used.add(found);
  }
  return { assignments, unused: manifest.entries.filter((e) => !used.has(e)).map((e) => e.name) };
}

// Keras 2's applications write BatchNormalization's axis as 3 for images, tfjs LayerNormalization's as [1]
// for vectors: accept the last axis by number, once the model knows each layer's input rank.
function checkAxes(model: Model, architecture: ArchitectureJSON, file: KerasTopology, findings: Findings): void {
  const ranks = new Map<string, number>();
  const shapes = architecture.inputs?.map((x) => x.shape) ?? [architecture.inputShape ?? []];
  model.inputNames.forEach((name, i) => {
    ranks.set(name, (shapes[i] ?? []).length + 1);
  });
  for (const n of model.nodes) ranks.set(n.name, n.outputShape.length);
  for (const l of file.layers) {
    if (l.className !== 'BatchNormalization' && l.className !== 'LayerNormalization') continue;
    const raw = l.config.axis;
    const axis = Array.isArray(raw) ? raw[0] : (raw ?? -1);
    if (axis === -1) continue;
    const node = model.nodes.find((n) => n.layer.name === l.name);
    const rank = node ? ranks.get(node.inputs[0] as string) : undefined;
    if (rank === undefined || axis !== rank - 1) {
      findings.problems.push(
        `${l.className} '${l.name}': axis=${show(raw)} is not the last axis (Neurite normalizes the last axis)`,
      );
    }
  }
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
  const architecture = toArchitecture(topology, options, source, findings);
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
