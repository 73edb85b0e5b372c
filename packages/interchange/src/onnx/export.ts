// A Neurite model as an ONNX model: its graph walked node by node (a nested model inlined), each layer
// turned into ONNX operators by its converter, the weights stored as float32 initializers. The file
// takes and returns Neurite's channels-last tensors, with a symbolic batch dimension; inside, the
// convolutions run channels-first (see graph.ts).
import { NeuriteError } from '@neurite/core';
import type { Layer, Shape } from '@neurite/layers';
import { type Model, ModelLayer } from '@neurite/model';
import { OnnxGraph, type Value } from './graph.js';
import { layerConverters } from './layers.js';
import { encodeModel, type ValueInfoProto } from './proto.js';
import { spatialConverters } from './spatial.js';
import type { Converter } from './step.js';

/** Options of exportOnnx. */
export interface OnnxExportOptions {
  /**
   * The ONNX opset, 13 (the default: ONNX Runtime has read it since 1.6) to 17. From 17 on,
   * LayerNormalization is written as the one operator of that name instead of a chain of reductions.
   */
  opset?: number;
  /** The file's producer_name (default 'Neurite'). */
  producer?: string;
}

/** The lowest and highest opset exportOnnx writes. */
export const ONNX_OPSETS = { min: 13, max: 17 } as const;

/** The most weight bytes an exported file holds, leaving room under protobuf's 2 GiB for the graph. */
const MAX_ONNX_WEIGHT_BYTES = 2 ** 31 - 2 ** 26;

const CONVERTERS: Record<string, Converter> = { ...spatialConverters, ...layerConverters };

/** The Neurite layer classes exportOnnx converts (a nested model is converted through its own layers). */
export const onnxLayers: readonly string[] = Object.keys(CONVERTERS).sort();

type Weights = Map<string, { data: Float32Array; shape: number[] }>;

/** Every layer of the model once, a nested model's layers in its place. */
function allLayers(model: Model): Layer[] {
  return model.layers.flatMap((l) => (l instanceof ModelLayer ? [l, ...allLayers(l.model)] : [l]));
}

function problems(model: Model, opset: number): string[] {
  const out: string[] = [];
  for (const layer of allLayers(model)) {
    if (layer instanceof ModelLayer) continue;
    const converter = CONVERTERS[layer.className];
    if (!converter) {
      out.push(`${layer.className} '${layer.name}': no ONNX form in this version`);
      continue;
    }
    const why = converter.problem?.(layer.getConfig() as Record<string, unknown>, opset);
    if (why) out.push(`${layer.className} '${layer.name}': ${why}`);
  }
  return out;
}

/** Converts one model's nodes, its inputs bound to `inputs`; returns its outputs' values in order. */
function convertModel(
  g: OnnxGraph,
  model: Model,
  inputs: Value[],
  prefix: string,
  context: { opset: number; weights: Map<Layer, Weights>; ids: Map<Layer, number> },
): Value[] {
  const values = new Map<string, Value>(model.inputNames.map((n, i) => [n, inputs[i]]));
  for (const node of model.nodes) {
    const ins = node.inputs.map((n) => values.get(n) as Value);
    const scope = `${prefix}${node.name}`;
    const layer = node.layer;
    let out: Value;
    if (layer instanceof ModelLayer) {
      out = convertModel(g, layer.model, ins, `${scope}/`, context)[0];
    } else {
      const weights = context.weights.get(layer) as Weights;
      const key = `L${context.ids.get(layer)}`;
      const weight = (name: string) => {
        const w = weights.get(name);
        if (!w) throw new Error(`exportOnnx: ${layer.className} '${layer.name}' has no weight '${name}'.`);
        return w;
      };
      out = CONVERTERS[layer.className].convert({
        g,
        config: layer.getConfig() as Record<string, unknown>,
        className: layer.className,
        key,
        scope,
        inputs: ins,
        shape: node.outputShape,
        opset: context.opset,
        has: (name) => weights.has(name),
        weight,
        constant: (name, form, make) =>
          g.floatsOnce(`${layer.name}/${name}`, `${key}/${name}:${form}`, () => make(weight(name))),
      });
    }
    values.set(node.name, out);
  }
  return model.outputNames.map((n) => values.get(n) as Value);
}

const dims = (shape: Shape): (number | string)[] => shape.map((d, i) => d ?? (i === 0 ? 'batch' : `d${i}`));

/**
 * Writes a model as an ONNX file (opset 13 by default): the bytes of a ModelProto that ONNX Runtime,
 * and any other ONNX reader, runs. The file's inputs and outputs keep the model's names and Neurite's
 * channels-last layout (`[batch, height, width, channels]`), with the batch size symbolic ('batch'), so
 * one file runs any batch; the weights are stored in it as float32. Layers run in inference mode
 * (Dropout passes values through, BatchNormalization uses its moving statistics). Fails, listing every
 * layer at fault, when some have no ONNX form (see `onnxLayers`). Builds the model if it is not yet.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Dense } from '@neurite/layers';
 * import { sequential } from '@neurite/model';
 * import { exportOnnx } from '@neurite/interchange';
 * await useBackend('cpu');
 * const net = sequential([new Dense({ units: 2, activation: 'softmax', inputShape: [3], name: 'probs' })], { name: 'tiny' });
 * const bytes = await exportOnnx(net); // write them to tiny.onnx, or hand them to onnxruntime
 * console.log(bytes.byteLength); // 278
 * ```
 */
export async function exportOnnx(model: Model, options: OnnxExportOptions = {}): Promise<Uint8Array> {
  const opset = options.opset ?? ONNX_OPSETS.min;
  if (!Number.isInteger(opset) || opset < ONNX_OPSETS.min || opset > ONNX_OPSETS.max) {
    throw new NeuriteError(
      `exportOnnx: opset must be an integer from ${ONNX_OPSETS.min} to ${ONNX_OPSETS.max}. Received: opset=${JSON.stringify(opset) ?? String(opset)}. ` +
        `Leave it out for ${ONNX_OPSETS.min}, which every current ONNX runtime reads.`,
    );
  }
  // One protobuf message holds at most 2 GiB: ONNX keeps larger weights in files beside it, which this
  // exporter does not write. Refused from the planned shapes, before a weight is made or read.
  const bytes = model.planWeights().reduce((a, { weight }) => a + 4 * weight.shape.reduce((x, d) => x * d, 1), 0);
  if (bytes > MAX_ONNX_WEIGHT_BYTES) {
    throw new NeuriteError(
      `exportOnnx: '${model.name}' has ${bytes} bytes of weights; one ONNX file holds under 2 GiB (protobuf's limit), ` +
        'and larger weights need external data files, which exportOnnx does not write. Export a smaller model.',
    );
  }
  model.build();
  const found = problems(model, opset);
  if (found.length > 0) {
    throw new NeuriteError(
      `exportOnnx: ${found.length} layer(s) of '${model.name}' cannot be written as ONNX:${found
        .map((p) => `\n  - ${p}`)
        .join('')}\nReplace them with layers that have an ONNX form (${onnxLayers.join(', ')}), ` +
        'or export the part of the model without them.',
    );
  }
  const layers = allLayers(model).filter((l) => !(l instanceof ModelLayer));
  // Read every weight first (async on every backend); the conversion itself is synchronous.
  const weights = new Map<Layer, Weights>();
  const ids = new Map<Layer, number>();
  await Promise.all(
    layers.map(async (layer, i) => {
      ids.set(layer, i);
      const values = await Promise.all(layer.weights.map((w) => w.variable.data()));
      weights.set(
        layer,
        new Map(
          layer.weights.map((w, k) => [w.name, { data: values[k] as Float32Array, shape: [...w.variable.shape] }]),
        ),
      );
    }),
  );
  const inputNames = model.inputNames;
  const outputNames = model.outputNames;
  const g = new OnnxGraph([...inputNames, ...outputNames]);
  const inputs = model.inputs.map((t, i): Value => ({ name: inputNames[i], shape: [...t.shape], layout: 'last' }));
  const results = convertModel(g, model, inputs, '', { opset, weights, ids });
  // Each output takes its model's name: the node that makes it is renamed, or an Identity copies a value
  // that is not a node's own (a model input) or that another output already took.
  const renamed = new Map<string, string>();
  results.forEach((v, i) => {
    const last = g.as(v, 'last').name;
    const name = outputNames[i];
    if (last === name) return;
    const current = renamed.get(last);
    if (current === undefined && g.madeByNode(last)) {
      g.rename(last, name);
      renamed.set(last, name);
    } else {
      g.output(name, 'Identity', [current ?? last]);
    }
  });
  const info = (name: string, shape: Shape): ValueInfoProto => ({ name, dims: dims(shape) });
  return encodeModel({
    irVersion: opset <= 13 ? 7 : 8,
    opset,
    producerName: options.producer ?? 'Neurite',
    graph: {
      name: model.name,
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: model.inputs.map((t, i) => info(inputNames[i], t.shape)),
      outputs: model.outputShapes.map((s, i) => info(outputNames[i], s)),
    },
  });
}
