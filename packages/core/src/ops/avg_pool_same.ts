import { avgPool, pad, type Tensor4D, tensor4d, tidy } from '#tfjs';
import { NeuriteError } from '../errors.js';
import { intPair } from './args.js';

/**
 * Average pooling of `x` (`[batch, height, width, channels]`) with padding 'same', each window
 * divided by the number of input cells it covers (as Keras and TensorFlow), with the right gradient.
 *
 * Why not `avgPool(x, pool, strides, 'same')`: its forward pass divides so, but its AvgPoolGrad kernel
 * (tfjs 4.22, on cpu, wasm and webgpu) divides every window by the full pool size, so the cells of an
 * edge window get too small a gradient. Here the input is zero-padded as 'same' pads it, averaged with
 * 'valid' windows, and each window's mean multiplied by pool size / its count: the same values, with a
 * gradient that is right everywhere. Where every window is whole this is `avgPool(..., 'valid')`.
 *
 * @example
 * ```ts
 * import { avgPoolSame, grad, tensor4d, useBackend } from '@neurite/core';
 * await useBackend('cpu');
 * const x = tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
 * // Windows of 4, 2, 2 and 1 cells.
 * console.log(Array.from(await avgPoolSame(x, 2, 2).data())); // [ 3, 4.5, 7.5, 9 ]
 * const dx = grad((t) => avgPoolSame(t as typeof x, 2, 2).sum())(x);
 * console.log(Array.from(await dx.data())); // [ 0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1 ]
 * ```
 */
export function avgPoolSame(
  x: Tensor4D,
  pool: number | [number, number],
  strides: number | [number, number],
): Tensor4D {
  if (x.rank !== 4) {
    throw new NeuriteError(
      `avgPoolSame expects a rank-4 input [batch, height, width, channels]. Received shape [${x.shape.join(', ')}].`,
    );
  }
  const [ph, pw] = intPair('avgPoolSame', 'pool', pool);
  const [sh, sw] = intPair('avgPoolSame', 'strides', strides);
  const [, height, width] = x.shape;
  // A window longer than length + (out - 1) * stride covers the whole input from every position, as a
  // window of exactly that length does: the same means, without padding by the pool size (a pool of
  // 2^31 from a model file would otherwise pad by gigabytes).
  const cap = (length: number, p: number, s: number) =>
    Math.min(p, Math.max(1, length + (Math.ceil(length / s) - 1) * s));
  const ch = cap(height, ph, sh);
  const cw = cap(width, pw, sw);
  const rows = samePadding(height, ch, sh);
  const columns = samePadding(width, cw, sw);
  // No padding needed: every window is whole, and this is the 'valid' average.
  if (rows.before + rows.after + columns.before + columns.after === 0) return avgPool(x, [ch, cw], [sh, sw], 'valid');
  return tidy(() => {
    const padded = pad(x, [
      [0, 0],
      [rows.before, rows.after],
      [columns.before, columns.after],
      [0, 0],
    ]);
    const means = avgPool(padded, [ch, cw], [sh, sw], 'valid');
    // A window covering every cell keeps its mean; an edge window's mean over the pool size becomes one
    // over the cells it covers.
    const size = ch * cw;
    const scale = rows.counts.flatMap((r) => columns.counts.map((c) => size / (r * c)));
    return means.mul(tensor4d(scale, [1, rows.counts.length, columns.counts.length, 1]));
  });
}

/**
 * Padding 'same' along one axis, as TensorFlow (and tfjs) places it: the padding before, after, and
 * how many real (unpadded) cells each window covers.
 */
function samePadding(
  length: number,
  pool: number,
  stride: number,
): { before: number; after: number; counts: number[] } {
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + pool - length, 0);
  const before = Math.floor(total / 2);
  const counts = Array.from({ length: out }, (_, i) => {
    const start = i * stride - before;
    return Math.min(start + pool, length) - Math.max(start, 0);
  });
  return { before, after: total - before, counts };
}
