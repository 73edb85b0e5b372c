// What a layer's converter is given (one use of the layer in the graph) and what it declares.
import { NeuriteError } from '@neurite/core';
import type { Shape } from '@neurite/layers';
import type { OnnxGraph, Value } from './graph.js';

/** One layer use to convert: its inputs as graph values, its output shape, and its weights. */
export interface Step {
  g: OnnxGraph;
  /** The layer's config (getConfig()), defaults not filled in. */
  config: Record<string, unknown>;
  className: string;
  /** The layer's name, one per layer (a shared layer's uses have one key and several scopes): for caching constants. */
  key: string;
  /** The node's name: names of the ONNX nodes it makes start with it. */
  scope: string;
  inputs: Value[];
  /** The layer's output shape in Neurite's order, batch null. */
  shape: Shape;
  opset: number;
  /** A weight's values and shape, by its layer-local name ('kernel'). */
  weight(name: string): { data: Float32Array; shape: number[] };
  /** Whether the layer has this weight (useBias: false layers have no 'bias'). */
  has(name: string): boolean;
  /**
   * A graph constant made from a weight (rearranged by `make`), stored once per layer, weight and
   * `form`, so a layer used twice shares its constants.
   */
  constant(
    weight: string,
    form: string,
    make: (w: { data: Float32Array; shape: number[] }) => { data: ArrayLike<number>; dims: number[] },
  ): string;
}

/** How one Neurite layer class becomes ONNX nodes. */
export interface Converter {
  convert(s: Step): Value;
  /** Why this layer's settings have no ONNX form (undefined when they have one); checked before anything is made. */
  problem?(config: Record<string, unknown>, opset: number): string | undefined;
}

/** A size given as `n` or `[a, b]` (Neurite's kernelSize, strides, ...) as a pair. */
export function pair(v: unknown, fallback: number): [number, number] {
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  const list = v as number[];
  return [list[0], list[1] ?? list[0]];
}

/** A 1-D size given as `n` or `[n]`. */
export function single(v: unknown, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  return typeof v === 'number' ? v : (v as number[])[0];
}

/** A static spatial size, or an error naming the layer: ONNX pads are fixed numbers. */
export function staticSize(s: Step, axis: number): number {
  const d = s.inputs[0].shape[axis];
  if (typeof d !== 'number') {
    throw new NeuriteError(
      `exportOnnx: ${s.className} '${s.scope}' needs a known input size on axis ${axis} to compute its padding, ` +
        `but the input's shape is [${s.inputs[0].shape.map((x) => x ?? 'null').join(', ')}]. Give the model's input a fixed shape.`,
    );
  }
  return d;
}

/**
 * TensorFlow's 'same' padding along one axis, as [begin, end]: the total that makes ceil(in / stride)
 * outputs, the odd one at the end.
 */
export function samePads(input: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const total = Math.max((Math.ceil(input / stride) - 1) * stride + (kernel - 1) * dilation + 1 - input, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}
