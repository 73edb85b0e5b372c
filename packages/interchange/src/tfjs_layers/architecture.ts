// A Keras topology as Neurite's architecture JSON: each layer through its mapping (every problem
// collected, for one message), input shapes from the file or the caller, and the normalization axes
// Keras writes by number checked once the model knows each layer's input rank.
import type { ArchitectureJSON, Model, NodeRef } from '@neurite/model';
import { cannot, isObject } from './cannot.js';
import { kerasClasses, mappingForKeras } from './mapping.js';
import { type Findings, KerasSettings, show } from './settings.js';
import type { KerasRef, KerasTopology } from './topology.js';

/** Input shapes (without batch) for inputs the file leaves open: one shape, or shapes by input name. */
export type InputShapes = number[] | Record<string, number[]>;

/** An input shape from a Keras config's batch shape: batch dropped, open dims filled from the caller's. */
function inputShapeOf(
  batchShape: unknown,
  name: string,
  inputShape: InputShapes | undefined,
  source: string,
): number[] {
  if (!Array.isArray(batchShape) || batchShape.length < 2 || batchShape.length > 8) {
    cannot(
      source,
      `input '${name}' has no batch_input_shape (or batch_shape) such as [null, 28, 28, 1]. Received: ${show(batchShape)}.`,
      'Save the model with its input shape.',
    );
  }
  const byName = inputShape as Record<string, unknown> | undefined;
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
export function toArchitecture(
  t: KerasTopology,
  inputShape: InputShapes | undefined,
  source: string,
  findings: Findings,
): ArchitectureJSON {
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
      const shape = inputShapeOf(batchShape, l.name, inputShape, source);
      if (t.kind === 'sequential') {
        if (i !== 0) findings.problems.push(`InputLayer '${l.name}': a Sequential has its input first`);
        sequentialShape = shape;
      } else inputs.push({ name: l.name, shape });
      continue;
    }
    if (t.kind === 'sequential' && layers.length === 0 && sequentialShape === undefined && batchShape !== undefined) {
      sequentialShape = inputShapeOf(batchShape, l.name, inputShape, source);
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

// Keras 2's applications write BatchNormalization's axis as 3 for images, tfjs LayerNormalization's as [1]
// for vectors: accept the last axis by number, once the model knows each layer's input rank.
export function checkAxes(model: Model, architecture: ArchitectureJSON, file: KerasTopology, findings: Findings): void {
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
