// The ONNX graph as it is built: nodes, constants, unique names, and the layout of every value.
// Neurite computes channels-last (NHWC); ONNX's Conv and pooling want channels-first (NCHW). Each value
// records which layout it is in, and a layer that needs the other asks for it: the Transpose is made
// once per value and reused, so a chain of convolutions, activations and pools stays channels-first
// and only crosses back where a layer needs channels-last (Flatten, Dense on images, the outputs).
import type { Shape } from '@neurite/layers';
import type { Attribute, NodeProto, TensorProto } from './proto.js';

/** 'last': Neurite's own order, channels on the last axis. 'first': channels moved to axis 1 (NCHW, NCW). */
export type Layout = 'last' | 'first';

/** A tensor of the ONNX graph: its name, its shape in Neurite's order (batch null), and its layout. */
export interface Value {
  name: string;
  shape: Shape;
  layout: Layout;
}

/** The permutation from channels-last to channels-first for a rank: [0, r-1, 1, ..., r-2]. */
export function toFirst(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** The permutation from channels-first back to channels-last: [0, 2, ..., r-1, 1]. */
export function toLast(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/** Where Neurite's axis `axis` (channels-last, batch 0) lies in a value of this layout. */
export function physicalAxis(axis: number, rank: number, layout: Layout): number {
  const a = axis < 0 ? axis + rank : axis;
  if (layout === 'last' || rank < 3 || a === 0) return a;
  return a === rank - 1 ? 1 : a + 1;
}

/** Host values permuted: out[i...] = data[perm^-1 ...], as Transpose with `perm` would. */
export function permuteData(data: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const strides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  // The input stride of each output axis, walked as an odometer over the output.
  const step = perm.map((p) => strides[p]);
  const out = new Float32Array(s);
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let i = 0; i < s; i++) {
    out[i] = data[from];
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      from += step[k];
      if (index[k] < outShape[k]) break;
      from -= step[k] * outShape[k];
      index[k] = 0;
    }
  }
  return out;
}

export class OnnxGraph {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  // Value name -> its transposed copy's name.
  private readonly transposed = new Map<string, string>();
  // Cache key -> constant name, so a shared layer's weights and repeated small constants are stored once.
  private readonly constants = new Map<string, string>();

  /** `reserved`: names taken up front (the graph's inputs and outputs), never given to anything else. */
  constructor(reserved: readonly string[]) {
    for (const r of reserved) this.used.add(r);
  }

  /** A name not yet used: `base`, or `base_1`, `base_2`, ... */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node with one output, named after `scope` and the operator; returns the output's name. */
  node(scope: string, opType: string, inputs: readonly string[], attributes?: Record<string, Attribute>): string {
    const out = this.fresh(`${scope}/${opType}`);
    this.nodes.push({ opType, inputs, outputs: [out], name: out, attributes });
    return out;
  }

  /** Adds a node whose one output has exactly this (reserved) name: a graph output. */
  output(name: string, opType: string, inputs: readonly string[]): void {
    this.nodes.push({ opType, inputs, outputs: [name], name });
  }

  /** A float32 constant; `key` (when given) makes a second request with the same key reuse it. */
  floats(name: string, data: ArrayLike<number>, dims: readonly number[], key?: string): string {
    const known = key === undefined ? undefined : this.constants.get(key);
    if (known) return known;
    const n = this.fresh(name);
    this.initializers.push({ name: n, dims, data: { float32: data } });
    if (key !== undefined) this.constants.set(key, n);
    return n;
  }

  /** A float32 constant stored once per `key`: `make` runs only the first time. */
  floatsOnce(name: string, key: string, make: () => { data: ArrayLike<number>; dims: readonly number[] }): string {
    const known = this.constants.get(key);
    if (known) return known;
    const { data, dims } = make();
    return this.floats(name, data, dims, key);
  }

  /** A float scalar constant (shape []), stored once per value. */
  scalar(value: number): string {
    const f = Math.fround(value);
    return this.floats(`const/${f}`, [f], [], `scalar:${f}`);
  }

  /** A 1-D int64 constant (shapes, axes, pads), stored once per content. */
  ints(values: readonly number[]): string {
    const key = `ints:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const n = this.fresh(`const/ints_${values.length}`);
    this.initializers.push({ name: n, dims: [values.length], data: { int64: values } });
    this.constants.set(key, n);
    return n;
  }

  /** A per-channel constant that broadcasts against `v` in its layout: [C] or [C, 1, ..., 1]. */
  channels(v: Value, name: string, data: ArrayLike<number>, key?: string): string {
    const rank = v.shape.length;
    const dims = v.layout === 'first' && rank > 2 ? [data.length, ...new Array(rank - 2).fill(1)] : [data.length];
    return this.floats(name, data, dims, key === undefined ? undefined : `${key}:${dims.join('x')}`);
  }

  /** `v` in the layout asked for: `v` itself, or its transpose (made once). */
  as(v: Value, layout: Layout): Value {
    const rank = v.shape.length;
    // Below rank 3 there are no channels to move: both layouts are the same tensor.
    if (v.layout === layout || rank < 3) return v;
    let name = this.transposed.get(v.name);
    if (!name) {
      const perm = layout === 'first' ? toFirst(rank) : toLast(rank);
      name = this.node(v.name, 'Transpose', [v.name], { perm: { ints: perm } });
      this.transposed.set(v.name, name);
      this.transposed.set(name, v.name);
    }
    return { name, shape: v.shape, layout };
  }

  /** Whether `v` is at hand in `layout` without a new Transpose. */
  available(v: Value, layout: Layout): boolean {
    return v.layout === layout || v.shape.length < 3 || this.transposed.has(v.name);
  }

  /** A value made by a node, with its shape in Neurite's order. */
  value(name: string, shape: Shape, layout: Layout): Value {
    return { name, shape, layout: shape.length < 3 ? 'last' : layout };
  }

  /** Renames a value everywhere it appears (to give a graph output its model's name). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.inputs = n.inputs.map((i) => (i === from ? to : i));
      n.outputs = n.outputs.map((o) => (o === from ? to : o));
      if (n.name === from) n.name = to;
    }
  }

  /** Whether a node makes this value (as opposed to a graph input or a constant). */
  madeByNode(name: string): boolean {
    return this.nodes.some((n) => n.outputs.includes(name));
  }
}
