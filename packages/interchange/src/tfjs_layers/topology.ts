// A layers-model topology in any of its three dialects (tfjs model.save(), Keras 2 and Keras 3 through
// tensorflowjs_converter) read into one shape: layers with their calls, the model's inputs and outputs.
// Only the structure is checked here; what each layer's config means is mapping.ts's business.
import { show } from './settings.js';

/** A reference to one output of one call of a layer: [layer name, call index, output index]. */
export type KerasRef = [string, number, number];

export interface KerasLayer {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** Each call of the layer: the refs it reads. Empty for an input layer (and in a Sequential). */
  calls: KerasRef[][];
}

export interface KerasTopology {
  kind: 'sequential' | 'functional';
  name: string;
  /** Where it came from, as far as the file says: 'tfjs-layers 4.22.0', '2.15.0', '3.6.0'. */
  kerasVersion: string;
  /** 'keras3' when the file has Keras 3's markers (dict inbound nodes, DTypePolicy, batch_shape). */
  dialect: 'keras2' | 'keras3';
  layers: KerasLayer[];
  inputs: KerasRef[];
  outputs: KerasRef[];
}

/** A topology the reader cannot follow; the message says where. */
export class TopologyError extends Error {}

const MAX_LAYERS = 10_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(what: string): never {
  throw new TopologyError(what);
}

/** Reads `modelTopology` (tfjs) or `modelTopology.model_config` (the Keras converter). */
export function readTopology(topology: unknown): KerasTopology {
  if (!isObject(topology)) bad(`modelTopology must be an object. Received: ${show(topology)}.`);
  const version = typeof topology.keras_version === 'string' ? topology.keras_version : '';
  const top = isObject(topology.model_config) ? topology.model_config : topology;
  const cls = top.class_name;
  const config = top.config;
  if (typeof cls !== 'string') bad('modelTopology has no class_name (expected "Sequential", "Model" or "Functional").');
  if (cls !== 'Sequential' && cls !== 'Model' && cls !== 'Functional') {
    bad(`modelTopology's class_name is ${show(cls)}; a layers model is a "Sequential", "Model" or "Functional".`);
  }
  // Keras 2.2 wrote a Sequential's config as the bare list of layers.
  const layersRaw = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layersRaw) || layersRaw.length === 0 || layersRaw.length > MAX_LAYERS) {
    bad(`modelTopology.config.layers must list 1 to ${MAX_LAYERS} layers.`);
  }
  const name = isObject(config) && typeof config.name === 'string' ? config.name : 'model';
  let keras3 = /^3\./.test(version);
  const layers = layersRaw.map((l, i): KerasLayer => {
    if (!isObject(l) || typeof l.class_name !== 'string' || !isObject(l.config)) {
      bad(`layers[${i}] must be { class_name, config }. Received: ${show(l)}.`);
    }
    const lname = typeof l.name === 'string' ? l.name : l.config.name;
    if (typeof lname !== 'string' || lname === '' || lname.length > 200) {
      bad(`layers[${i}] (${show(l.class_name)}) has no name of 1 to 200 characters.`);
    }
    const { calls, dict } = readCalls(l.inbound_nodes, lname);
    if (dict || 'module' in l || 'batch_shape' in l.config || isObject(l.config.dtype)) keras3 = true;
    return { className: l.class_name, name: lname, config: l.config, calls };
  });
  if (cls === 'Sequential') {
    return {
      kind: 'sequential',
      name,
      kerasVersion: version,
      dialect: keras3 ? 'keras3' : 'keras2',
      layers,
      inputs: [],
      outputs: [],
    };
  }
  const c = config as Record<string, unknown>;
  return {
    kind: 'functional',
    name,
    kerasVersion: version,
    dialect: keras3 ? 'keras3' : 'keras2',
    layers,
    inputs: readEnds(c.input_layers, 'input_layers'),
    outputs: readEnds(c.output_layers, 'output_layers'),
  };
}

function ref(v: unknown, where: string): KerasRef {
  if (
    Array.isArray(v) &&
    v.length >= 3 &&
    typeof v[0] === 'string' &&
    Number.isInteger(v[1]) &&
    Number.isInteger(v[2]) &&
    (v[1] as number) >= 0 &&
    (v[2] as number) >= 0
  ) {
    return [v[0], v[1] as number, v[2] as number];
  }
  return bad(`${where}: expected [layer name, node index, tensor index]. Received: ${show(v)}.`);
}

// Keras 3 writes a call as { args, kwargs } with each tensor as { class_name: '__keras_tensor__',
// config: { keras_history: [layer, node, tensor] } }; merge layers take a list of them as their one arg.
function kerasTensors(v: unknown, where: string, out: KerasRef[], depth = 0): void {
  if (depth > 4) bad(`${where}: arguments nest too deeply.`);
  if (Array.isArray(v)) {
    for (const x of v) kerasTensors(x, where, out, depth + 1);
  } else if (isObject(v) && v.class_name === '__keras_tensor__') {
    out.push(ref((v.config as Record<string, unknown> | undefined)?.keras_history, where));
  } else if (isObject(v) && depth > 0) {
    bad(`${where}: an argument of a kind the reader does not know: ${show(v)}.`);
  }
}

// Each call's refs, and whether any call is written in Keras 3's { args, kwargs } form.
function readCalls(nodes: unknown, layer: string): { calls: KerasRef[][]; dict: boolean } {
  if (nodes === undefined || nodes === null) return { calls: [], dict: false };
  if (!Array.isArray(nodes) || nodes.length > MAX_LAYERS) bad(`layer '${layer}': inbound_nodes must be a list.`);
  let dict = false;
  const calls = nodes.map((node, n) => {
    const where = `layer '${layer}' inbound_nodes[${n}]`;
    if (isObject(node)) {
      const refs: KerasRef[] = [];
      kerasTensors(node.args, where, refs);
      const kwargs = isObject(node.kwargs) ? node.kwargs : {};
      for (const [k, v] of Object.entries(kwargs)) {
        const found: KerasRef[] = [];
        kerasTensors([v], where, found);
        if (found.length > 0) bad(`${where}: a tensor passed as '${k}'; the reader follows positional inputs only.`);
      }
      dict = true;
      return refs;
    }
    if (!Array.isArray(node)) bad(`${where}: expected a list of inbound tensors or { args, kwargs }.`);
    return node.map((r, i) => ref(r, `${where}[${i}]`));
  });
  return { calls, dict };
}

function readEnds(v: unknown, key: string): KerasRef[] {
  if (!Array.isArray(v) || v.length === 0) bad(`the model lists no ${key}.`);
  // Keras 3 writes a single input or output as one ref rather than a list of them.
  if (typeof v[0] === 'string') return [ref(v, key)];
  if (v.length > MAX_LAYERS) bad(`${key} lists more than ${MAX_LAYERS} entries.`);
  return v.map((r, i) => ref(r, `${key}[${i}]`));
}
