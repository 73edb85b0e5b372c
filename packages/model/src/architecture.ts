// A model from its architecture JSON (model.json's, a worker's copy, a --model file): a Sequential
// from a stack of layers, or a graph from inputs, layers with their inbound nodes, and outputs. The
// layers arrive already rebuilt from their configs; this checks the connections a file describes
// (every name resolves, no cycle, every layer used) and names the layer at fault when they do not.
import { NeuriteError } from '@neurite/core';
import { input, type Layer, layerFromConfig, type SymbolicTensor } from '@neurite/layers';
import { quoted } from './format/schema.js';
import type { NodeRef } from './format/types.js';
import type { Model } from './model.js';
import { Model as GraphModel, unbuilt } from './model.js';
import { Sequential } from './sequential.js';

/** The most layer uses (nodes) a graph may have: far more than any model here, few enough to trace at once. */
export const MAX_NODES = 100_000;

// Names from a file are quoted with control characters escaped: a message must not carry raw newlines or escapes.
const refText = (r: NodeRef) => (typeof r === 'string' ? quoted(r) : `[${quoted(r[0])}, ${r[1]}]`);

/** What assemble() reads of an architecture (model.json's, or a model's toJSON()). */
export interface Architecture {
  name: string;
  inputShape?: number[] | undefined;
  layers: { inbound?: NodeRef[][] | undefined }[];
  inputs?: { name: string; shape: number[] }[] | undefined;
  outputs?: NodeRef[] | undefined;
}

/** Assembles a model from its architecture and its layers (rebuilt from `j.layers`, in that order). */
export function assemble(j: Architecture, layers: Layer[]): Model {
  if (j.inputs === undefined) {
    if (j.outputs !== undefined || j.layers.some((l) => l.inbound !== undefined)) {
      throw new NeuriteError(
        'a graph lists its "inputs" ([{ "name", "shape" }]) beside its "outputs" and each layer\'s "inbound"; this one has no inputs.',
      );
    }
    return new Sequential(layers, { name: j.name, inputShape: j.inputShape });
  }
  if (j.inputShape !== undefined) {
    throw new NeuriteError(
      'a graph gives its input shapes in "inputs"; it has no "inputShape" (that is a Sequential\'s).',
    );
  }
  if (j.outputs === undefined || j.outputs.length === 0) throw new NeuriteError('the graph lists no "outputs".');
  const inputs = j.inputs.map((spec) => input({ shape: spec.shape, name: spec.name }));
  const inputByName = new Map(inputs.map((t) => [t.name, t]));
  const layerIndex = new Map<string, number>();
  layers.forEach((l, i) => {
    if (inputByName.has(l.name) || layerIndex.has(l.name)) {
      throw new NeuriteError(
        `two parts of the graph are named ${quoted(l.name)} (layers[${i}] and another). Names must be unique.`,
      );
    }
    layerIndex.set(l.name, i);
  });
  // Every node: (layer, use) with the refs it reads.
  interface Pending {
    layer: number;
    use: number;
    refs: NodeRef[];
  }
  const uses = j.layers.reduce((n, l) => n + (l.inbound?.length ?? 0), 0);
  if (uses > MAX_NODES) {
    throw new NeuriteError(`the graph has ${uses} layer uses; a model may have at most ${MAX_NODES}.`);
  }
  const nodes: Pending[] = [];
  const nodeKey = (layer: number, use: number) => `${layer}#${use}`;
  j.layers.forEach((l, i) => {
    const inbound = l.inbound;
    if (!inbound || inbound.length === 0) {
      throw new NeuriteError(
        `layers[${i}] (${quoted(layers[i].name)}) has no "inbound": in a graph every layer lists what it reads, e.g. "inbound": [["conv1"]].`,
      );
    }
    inbound.forEach((refs, use) => {
      if (refs.length === 0) {
        throw new NeuriteError(
          `layers[${i}] (${quoted(layers[i].name)}) inbound[${use}] is empty: a layer reads at least one tensor.`,
        );
      }
      nodes.push({ layer: i, use, refs });
    });
  });
  // A ref's key: an input's name, or the (layer, use) node it names.
  const keyOf = (r: NodeRef, where: string): string => {
    const [name, use] = typeof r === 'string' ? [r, 0] : r;
    if (typeof r === 'string' && inputByName.has(r)) return `input:${r}`;
    const li = layerIndex.get(name);
    if (li === undefined) {
      throw new NeuriteError(`${where} reads ${refText(r)}, which is neither an input nor a layer of the graph.`);
    }
    const uses = j.layers[li].inbound?.length ?? 0;
    if (use >= uses) {
      throw new NeuriteError(
        `${where} reads ${refText(r)}, but layer ${quoted(name)} is used ${uses} time${uses === 1 ? '' : 's'} (uses 0 to ${uses - 1}).`,
      );
    }
    return nodeKey(li, use);
  };
  const where = (n: Pending) =>
    `layers[${n.layer}] (${quoted(layers[n.layer].name)})${n.use > 0 ? ` use ${n.use}` : ''}`;
  const deps = nodes.map((n) => n.refs.map((r) => keyOf(r, where(n))));
  const outKeys = j.outputs.map((r) => keyOf(r, 'outputs'));
  // Kahn's order: a node is applied once every tensor it reads exists.
  const made = new Map<string, SymbolicTensor>(inputs.map((t) => [`input:${t.name}`, t]));
  const waiting = new Map<string, number[]>();
  const missing = deps.map((d) => new Set(d.filter((k) => !made.has(k))).size);
  deps.forEach((d, i) => {
    for (const k of new Set(d)) {
      if (made.has(k)) continue;
      const list = waiting.get(k);
      if (list) list.push(i);
      else waiting.set(k, [i]);
    }
  });
  const ready = nodes.map((_, i) => i).filter((i) => missing[i] === 0);
  let applied = 0;
  for (let next = 0; next < ready.length; next++) {
    const i = ready[next];
    const n = nodes[i];
    const layer = layers[n.layer];
    const ins = deps[i].map((k) => made.get(k) as SymbolicTensor);
    let out: SymbolicTensor;
    try {
      out = layer.apply(layer.takesList ? ins : ins.length === 1 ? ins[0] : ins);
    } catch (e) {
      throw new NeuriteError(`${where(n)}: ${(e as Error).message}`);
    }
    const key = nodeKey(n.layer, n.use);
    made.set(key, out);
    applied++;
    for (const w of waiting.get(key) ?? []) if (--missing[w] === 0) ready.push(w);
  }
  if (applied < nodes.length) {
    // Follow unresolved reads from a stuck node until one repeats: that loop is the cycle.
    const indexOf = new Map(nodes.map((n, i) => [nodeKey(n.layer, n.use), i]));
    let at = missing.findIndex((m) => m > 0);
    const path: number[] = [];
    const seen = new Map<number, number>();
    while (!seen.has(at)) {
      seen.set(at, path.length);
      path.push(at);
      at = indexOf.get(deps[at].find((k) => !made.has(k)) as string) as number;
    }
    const cycle = [...path.slice(seen.get(at)), at];
    const label = (i: number) =>
      quoted(nodes[i].use > 0 ? `${layers[nodes[i].layer].name}:${nodes[i].use}` : layers[nodes[i].layer].name);
    const shown =
      cycle.length > 9
        ? [...cycle.slice(0, 8).map(label), `... (${cycle.length - 9} more)`, label(at)]
        : cycle.map(label);
    throw new NeuriteError(
      `the graph has a cycle: ${shown.join(' reads ')}. A model is a directed acyclic graph: break the loop.`,
    );
  }
  const outputs = outKeys.map((k) => made.get(k) as SymbolicTensor);
  const model = unbuilt(() => new GraphModel({ inputs, outputs, name: j.name }));
  const unused = layers.filter((l) => !model.layers.includes(l));
  if (unused.length > 0) {
    throw new NeuriteError(
      `layer${unused.length === 1 ? '' : 's'} ${unused.map((l) => quoted(l.name)).join(', ')} ` +
        `lead${unused.length === 1 ? 's' : ''} to no output. Connect ${unused.length === 1 ? 'it' : 'them'} or remove ${unused.length === 1 ? 'it' : 'them'}.`,
    );
  }
  // The file's order is the order of the weights (a graph traced from its outputs may meet them in another).
  model.layers.splice(0, model.layers.length, ...layers);
  return model;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isShape = (v: unknown) =>
  Array.isArray(v) && v.length > 0 && v.length <= 8 && v.every((d) => Number.isSafeInteger(d) && d > 0);
const isRef = (r: unknown) =>
  (typeof r === 'string' && r !== '') ||
  (Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && Number.isSafeInteger(r[1]) && r[1] >= 0);

/**
 * A model from its architecture JSON: what `model.toJSON()` returns, the architecture part of a
 * model.json, or a file written by hand. A Sequential is `{ name, inputShape, layers }`; a graph is
 * `{ name, inputs: [{ name, shape }], layers: [{ className, config, inbound: [[...names]] }], outputs }`,
 * where each layer's `inbound` lists, for each use of the layer, the names of the inputs or layers it
 * reads (`["stem", "branch"]` for an Add). The model comes back unbuilt: weights are made at first use,
 * or by `build()`. Errors name the field or the layer at fault.
 *
 * @example
 * ```ts
 * import { modelFromJSON } from '@neurite/model';
 * const net = modelFromJSON({
 *   name: 'tiny',
 *   inputs: [{ name: 'x', shape: [4] }],
 *   layers: [
 *     { className: 'Dense', config: { units: 4, activation: 'relu', name: 'h' }, inbound: [['x']] },
 *     { className: 'Add', config: { name: 'skip' }, inbound: [['x', 'h']] },
 *     { className: 'Dense', config: { units: 1, name: 'out' }, inbound: [['skip']] },
 *   ],
 *   outputs: ['out'],
 * });
 * console.log(net.nodes.map((n) => `${n.name} <- ${n.inputs.join(' + ')}`)); // [ 'h <- x', 'skip <- x + h', 'out <- skip' ]
 * ```
 */
export function modelFromJSON(json: unknown): Model {
  if (nesting >= MAX_NESTING) {
    throw new NeuriteError(
      `modelFromJSON: models nest more than ${MAX_NESTING} levels deep (a model used as a layer of a model used as a layer ...). Flatten the architecture.`,
    );
  }
  nesting++;
  try {
    return fromJSON(json);
  } finally {
    nesting--;
  }
}

/** The deepest nesting of models as layers that modelFromJSON builds. */
export const MAX_NESTING = 16;
let nesting = 0;

function fromJSON(json: unknown): Model {
  const bad = (what: string): never => {
    throw new NeuriteError(nesting > 1 ? what : `modelFromJSON: ${what}`);
  };
  if (!isObject(json)) return bad(`expected an object with "layers". Received: ${typeof json}.`);
  const { name, inputShape, inputs, outputs } = json;
  const list = json.layers;
  if (!Array.isArray(list) || list.length === 0 || list.length > 10_000) {
    return bad('"layers" must be a list of 1 to 10000 { "className", "config" } objects.');
  }
  if (name !== undefined && (typeof name !== 'string' || name === '' || name.length > 200)) {
    bad(`"name" must be a non-empty string of at most 200 characters. Received: ${JSON.stringify(name)}.`);
  }
  if (inputShape !== undefined && !isShape(inputShape)) {
    bad(
      `"inputShape" must be a list of positive integers (without batch), e.g. [28, 28, 1]. Received: ${JSON.stringify(inputShape)}.`,
    );
  }
  if (
    inputs !== undefined &&
    !(
      Array.isArray(inputs) &&
      inputs.length > 0 &&
      inputs.length <= 64 &&
      inputs.every((i) => isObject(i) && typeof i.name === 'string' && i.name !== '' && isShape(i.shape))
    )
  ) {
    bad('"inputs" must be a list of { "name": "image", "shape": [28, 28, 1] } objects.');
  }
  if (
    outputs !== undefined &&
    !(Array.isArray(outputs) && outputs.length > 0 && outputs.length <= 64 && outputs.every(isRef))
  ) {
    bad('"outputs" must be a list of node names, e.g. ["out"].');
  }
  const layers = list.map((entry, i) => {
    if (!isObject(entry) || typeof entry.className !== 'string') {
      return bad(`layers[${i}] needs a "className" string. Received: ${JSON.stringify(entry)?.slice(0, 80)}.`);
    }
    const config = entry.config ?? {};
    if (!isObject(config))
      return bad(`layers[${i}].config must be an object. Received: ${JSON.stringify(config)?.slice(0, 80)}.`);
    const inbound = entry.inbound;
    if (
      inbound !== undefined &&
      !(
        Array.isArray(inbound) &&
        inbound.length <= 1000 &&
        inbound.every((u) => Array.isArray(u) && u.length <= 64 && u.every(isRef))
      )
    ) {
      bad(`layers[${i}].inbound must be a list of uses, each a list of node names, e.g. [["conv1", "proj"]].`);
    }
    try {
      return layerFromConfig({ className: entry.className, config: config as never });
    } catch (e) {
      return bad(`layers[${i}] (${JSON.stringify(entry.className)}): ${(e as Error).message}`);
    }
  });
  try {
    return assemble(
      {
        name: (name as string | undefined) ?? 'model',
        inputShape: inputShape as number[] | undefined,
        layers: list as { inbound?: NodeRef[][] }[],
        inputs: inputs as { name: string; shape: number[] }[] | undefined,
        outputs: outputs as NodeRef[] | undefined,
      },
      layers,
    );
  } catch (e) {
    return bad((e as Error).message);
  }
}
