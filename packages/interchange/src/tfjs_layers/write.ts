// A Neurite model written as a TensorFlow.js layers model, in the Keras 2 dialect that tfjs-layers'
// loadLayersModel reads and tensorflowjs_converter turns into a Keras file: snake_case keys, inbound
// nodes as lists, weights `<layer>/<weight>` in float32.
import { NeuriteError } from '@neurite/core';
import type { Model, NodeRef } from '@neurite/model';
import { kerasWeightName, mappingForNeurite } from './mapping.js';
import { planLayersModel } from './read.js';
import { snake } from './settings.js';

/** model.json of a layers model, and its one weights file. */
export interface LayersModelFiles {
  /** The parsed model.json: format, generatedBy, modelTopology, weightsManifest. */
  modelJson: {
    format: 'layers-model';
    generatedBy: string;
    convertedBy: null;
    modelTopology: Record<string, unknown>;
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32' }[] }[];
  };
  /** The weights file's bytes (named `weightsManifest[0].paths[0]`). */
  weightData: Uint8Array;
}

export interface WriteOptions {
  /**
   * Who reads the file: 'tfjs-layers' (default) refuses layers tfjs-layers 4.22 lacks (Subtract,
   * SpatialDropout2D) and settings it reads otherwise than Keras (ELU alpha other than 1, bilinear
   * UpSampling2D); 'keras' writes them, for tensorflowjs_converter to turn into a Keras file.
   */
  target?: 'tfjs-layers' | 'keras';
}

// Keras layers that tfjs-layers 4.22 cannot deserialize.
const TFJS_LACKS = new Set(['Subtract', 'SpatialDropout2D']);
// Settings tfjs-layers 4.22 reads differently from Keras, or not at all: a file it would open and predict
// other numbers from, or fail to build.
const TFJS_DIFFERS: Record<string, (c: Record<string, unknown>) => string | undefined> = {
  ELU: (c) =>
    c.alpha !== undefined && c.alpha !== 1
      ? `tfjs-layers 4.22 builds ELU only with alpha=1 (this one has ${c.alpha})`
      : undefined,
  UpSampling2D: (c) =>
    c.interpolation === 'bilinear'
      ? "tfjs-layers 4.22 resizes 'bilinear' without half-pixel centers, unlike Keras and Neurite, so it would predict other numbers"
      : undefined,
};

/** The weights file's name in a written model. */
export const WEIGHTS_FILE = 'group1-shard1of1.bin';

function snakeKeys(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[snake(k)] = v;
  return out;
}

/**
 * Writes a model as a TensorFlow.js layers model: what `tf.loadLayersModel` reads, and what
 * `tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras` converts to Keras.
 * Fails, listing every layer at fault, when a layer has no Keras form. The model must be built (it
 * has weights).
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Dense } from '@neurite/layers';
 * import { sequential } from '@neurite/model';
 * import { writeLayersModel } from '@neurite/interchange';
 * await useBackend('cpu');
 * const net = sequential([new Dense({ units: 2, inputShape: [3], name: 'd' })]);
 * net.build();
 * const { modelJson, weightData } = await writeLayersModel(net);
 * console.log(modelJson.weightsManifest[0].weights.map((w) => w.name), weightData.byteLength); // [ 'd/kernel', 'd/bias' ] 32
 * ```
 */
export async function writeLayersModel(model: Model, options: WriteOptions = {}): Promise<LayersModelFiles> {
  const target = options.target ?? 'tfjs-layers';
  model.build();
  const arch = model.toJSON();
  const problems: string[] = [];
  const sequential = arch.inputs === undefined;
  const keras: Record<string, unknown>[] = [];
  // [layer, node, tensor, kwargs]: a Neurite ref names a layer (its only use) or [layer, use].
  const ref = (r: NodeRef) => (typeof r === 'string' ? [r, 0, 0, {}] : [r[0], r[1], 0, {}]);
  if (!sequential) {
    for (const x of arch.inputs ?? []) {
      keras.push({
        name: x.name,
        class_name: 'InputLayer',
        config: { batch_input_shape: [null, ...x.shape], dtype: 'float32', sparse: false, name: x.name },
        inbound_nodes: [],
      });
    }
  }
  arch.layers.forEach((l, i) => {
    const mapping = mappingForNeurite(l.className);
    const name = l.config.name as string;
    if (!mapping?.write) {
      problems.push(
        `${l.className.replace(/^neurite>/, '')} '${name}': no Keras form${mapping ? ' (read only)' : ' (register one with registerKerasLayer)'}`,
      );
      return;
    }
    if (target === 'tfjs-layers' && TFJS_LACKS.has(mapping.keras)) {
      problems.push(
        `${mapping.keras} '${name}': tfjs-layers 4.22 has no ${mapping.keras} (Keras has: pass { target: 'keras' })`,
      );
    }
    const differs =
      target === 'tfjs-layers' ? TFJS_DIFFERS[mapping.keras]?.(l.config as Record<string, unknown>) : undefined;
    if (differs)
      problems.push(`${mapping.keras} '${name}': ${differs} (Keras reads it right: pass { target: 'keras' })`);
    const config: Record<string, unknown> = {
      ...snakeKeys(mapping.write(l.config as Record<string, unknown>, problems)),
      name,
      trainable: l.config.trainable ?? true,
    };
    if (sequential && i === 0) {
      config.batch_input_shape = [null, ...(arch.inputShape ?? [])];
      config.dtype = 'float32';
    }
    const entry: Record<string, unknown> = { class_name: mapping.keras, config };
    if (!sequential) {
      entry.name = name;
      entry.inbound_nodes = (l.inbound ?? []).map((call) => call.map(ref));
    }
    keras.push(entry);
  });
  if (problems.length > 0) {
    throw new NeuriteError(
      `writeLayersModel: ${problems.length} part(s) of '${model.name}' have no TensorFlow.js layers form:${problems
        .map((p) => `\n  - ${p}`)
        .join('')}\nReplace them with layers Keras has, or register a mapping with registerKerasLayer().`,
    );
  }
  const end = (r: NodeRef) => (typeof r === 'string' ? [r, 0, 0] : [r[0], r[1], 0]);
  const topology = sequential
    ? { class_name: 'Sequential', config: { name: model.name, layers: keras } }
    : {
        class_name: 'Model',
        config: {
          name: model.name,
          layers: keras,
          input_layers: (arch.inputs ?? []).map((x) => [x.name, 0, 0]),
          output_layers: (arch.outputs ?? []).map(end),
        },
      };
  const classOf = new Map(arch.layers.map((l) => [l.config.name as string, l.className]));
  const weights = model.layers.flatMap((layer) =>
    layer.weights.map((w) => ({
      name: `${w.path.slice(0, w.path.length - w.name.length)}${kerasWeightName(mappingForNeurite(classOf.get(layer.name) ?? ''), w.name)}`,
      shape: [...w.variable.shape],
      dtype: 'float32' as const,
    })),
  );
  const values = await Promise.all(model.weights.map((w) => w.variable.data()));
  const total = values.reduce((a, v) => a + v.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const v of values) {
    data.set(v as Float32Array, at);
    at += v.length;
  }
  const modelJson = {
    format: 'layers-model' as const,
    generatedBy: 'Neurite @neurite/interchange',
    convertedBy: null,
    modelTopology: { ...topology, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights }],
  };
  // What is written must read back: the reader's limits (names of 1 to 200 characters, 10,000 layers)
  // are checked here, not found when the file is opened again. Size is the reader's maxBytes, not checked.
  try {
    planLayersModel(modelJson, { maxBytes: Number.MAX_SAFE_INTEGER, source: model.name }).model.dispose();
  } catch (e) {
    throw new NeuriteError(
      `writeLayersModel: '${model.name}' would not read back: ${(e as Error).message.replace(/^Cannot read the layers model [^:]*: /, '')}`,
    );
  }
  return { modelJson, weightData: new Uint8Array(data.buffer) };
}
