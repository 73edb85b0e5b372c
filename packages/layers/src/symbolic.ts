import { NeuriteError } from '@neurite/core';
import type { Layer, Shape } from './layer.js';

/**
 * One application of a layer in a graph: the layer, the symbolic tensors it took, and (through the
 * SymbolicTensor that points back here) the one it made. A model input is a node without a layer.
 */
export interface GraphNode {
  /** The layer applied; undefined for a model input. */
  readonly layer: Layer | undefined;
  /** What the layer took, in order (empty for a model input). */
  readonly inputs: readonly SymbolicTensor[];
  /** A model input's name (undefined for a layer's node). */
  readonly inputName?: string;
}

/**
 * A tensor that holds no values, only a shape (batch null) and the node that makes it: what `input()`
 * returns and what a layer applied to one returns. A model is the graph between some of them.
 *
 * @example
 * ```ts
 * import { Dense, input } from '@neurite/layers';
 * const x = input({ shape: [4], name: 'features' });
 * const h = new Dense({ units: 3 }).apply(x);
 * console.log(String(x), h.shape); // SymbolicTensor 'features' [null, 4] [ null, 3 ]
 * ```
 */
export class SymbolicTensor {
  /** The shape, batch (first) null. */
  readonly shape: Shape;
  /** The node that makes this tensor. */
  readonly node: GraphNode;

  constructor(shape: Shape, node: GraphNode) {
    this.shape = shape;
    this.node = node;
  }

  /** The input's name, or the name of the layer that makes it. */
  get name(): string {
    return this.node.layer?.name ?? (this.node.inputName as string);
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor '${this.name}' [${this.shape.map((d) => d ?? 'null').join(', ')}]`;
  }
}

let inputCount = 0;

/**
 * A model input: a symbolic tensor of the given shape (without the batch dimension). Apply layers to
 * it, then make a model from the inputs and the outputs with `model({ inputs, outputs })`.
 *
 * @example
 * ```ts
 * import { input } from '@neurite/layers';
 * const image = input({ shape: [28, 28, 1], name: 'image' });
 * console.log(image.shape); // [ null, 28, 28, 1 ]
 * ```
 */
export function input(options: { shape: number[]; name?: string }): SymbolicTensor {
  const shape = options?.shape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new NeuriteError(
      `input: shape must be a non-empty list of positive integers without the batch dimension, e.g. { shape: [28, 28, 1] }. ` +
        `Received: shape=${JSON.stringify(shape)}.`,
    );
  }
  const name = options.name ?? `input_${++inputCount}`;
  if (typeof name !== 'string' || name === '' || name.includes('/')) {
    throw new NeuriteError(
      `input: name must be a non-empty string without '/'. Received: name=${JSON.stringify(name)}.`,
    );
  }
  return new SymbolicTensor([null, ...shape], { layer: undefined, inputs: [], inputName: name });
}

/** Whether a value is a symbolic tensor (or a non-empty list of them). */
export function isSymbolic(x: unknown): x is SymbolicTensor | SymbolicTensor[] {
  if (Array.isArray(x)) return x.length > 0 && x.every((t) => t instanceof SymbolicTensor);
  return x instanceof SymbolicTensor;
}
