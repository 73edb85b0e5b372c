import { NeuriteError } from '@neurite/core';

/** Throws unless `v` is an integer >= `min` (1 for sizes, 0 for gaps). */
export function checkInt(what: string, name: string, v: number, min: number, hint: string): void {
  if (!Number.isInteger(v) || v < min) {
    const kind = min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
    throw new NeuriteError(`${what}: ${name} must be ${kind}. Received: ${name}=${v}. ${hint}`);
  }
}

const shapeText = (shape: readonly unknown[]) => `[${shape.map(String).join(', ')}]`;

/** Throws unless `values` is array-like, `shape` holds positive integers and the sizes agree. */
export function checkValues(what: string, values: ArrayLike<number>, shape: readonly number[]): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new NeuriteError(
      `${what}: expected the values as a Float32Array. Received: ${values === null ? 'null' : typeof values}. ` +
        'Read a tensor with `await t.data()`.',
    );
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new NeuriteError(
      `${what}: the shape must be a list of positive integers. Received: shape=${Array.isArray(shape) ? shapeText(shape) : String(shape)}. ` +
        'Pass the tensor shape, e.g. [1, 26, 26, 8].',
    );
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) {
    throw new NeuriteError(
      `${what}: shape ${shapeText(shape)} holds ${size} values but ${values.length} were given. ` +
        'Pass the values and the shape of the same tensor (one sample).',
    );
  }
}

/** Drops a leading batch axis of size 1; throws for a larger batch, whose samples would be mixed up. */
export function dropBatch(what: string, shape: readonly number[], rank: number): number[] {
  if (shape.length === rank + 1) {
    if (shape[0] !== 1) {
      throw new NeuriteError(
        `${what}: expected one sample, of shape [1, ...] or without the batch axis. Received: shape ${shapeText(shape)} ` +
          `(a batch of ${shape[0]}). Pick one sample, e.g. t.slice([0], [1]).`,
      );
    }
    return shape.slice(1);
  }
  return [...shape];
}
