// Model inputs: symbolic tensors without a layer (the class lives in layer.ts, beside the Layer that makes them).
import { NeuriteError } from '@neurite/core';
import { SymbolicTensor } from './layer.js';

export { type GraphNode, SymbolicTensor } from './layer.js';

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
