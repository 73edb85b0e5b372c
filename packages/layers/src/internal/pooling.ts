import { avgPool, maxPool, type Tensor, type Tensor4D, tensor4d } from '@neurite/core';
import { convOutputLength } from './conv.js';
import { intPair, oneOf } from './validate.js';

export interface Pooling2DConfigBase {
  /** Window height and width; default 2. */
  poolSize?: number | [number, number];
  /** Default: the pool size. */
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
}

export function poolingSettings(owner: string, config: Pooling2DConfigBase) {
  const pool = intPair(owner, 'poolSize', config.poolSize ?? 2);
  const strides = intPair(owner, 'strides', config.strides ?? pool);
  const padding = oneOf(owner, 'padding', config.padding ?? 'valid', ['same', 'valid'] as const);
  return { pool, strides, padding };
}

export function pool2d(kind: 'max' | 'avg', x: Tensor, s: ReturnType<typeof poolingSettings>): Tensor {
  if (kind === 'max') return maxPool(x as Tensor4D, s.pool, s.strides, s.padding);
  if (s.padding === 'same') return avgPoolSame(x as Tensor4D, s.pool, s.strides);
  return avgPool(x as Tensor4D, s.pool, s.strides, 'valid');
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

/**
 * Average pooling of `[batch, height, width, channels]` with padding 'same', each window divided by the
 * number of cells it covers (as Keras). Not tfjs's avgPool(..., 'same'): its forward pass divides so,
 * but its AvgPoolGrad kernel (tfjs 4.22, on cpu, wasm and webgpu) divides every window by the full pool
 * size, so edge windows get a wrong gradient. Zero padding, a 'valid' average, and a multiplication by
 * a constant (pool size / the window's count) give the same values with correct gradients everywhere.
 */
export function avgPoolSame(x: Tensor4D, pool: [number, number], strides: [number, number]): Tensor {
  const [, height, width] = x.shape;
  const rows = samePadding(height, pool[0], strides[0]);
  const columns = samePadding(width, pool[1], strides[1]);
  // No padding needed: every window is whole, and this is the 'valid' average.
  if (rows.before + rows.after + columns.before + columns.after === 0) return avgPool(x, pool, strides, 'valid');
  const padded = x.pad([
    [0, 0],
    [rows.before, rows.after],
    [columns.before, columns.after],
    [0, 0],
  ]);
  const means = avgPool(padded as Tensor4D, pool, strides, 'valid');
  // A window covering every cell keeps its mean; an edge window's mean over the pool size becomes one
  // over the cells it covers.
  const size = pool[0] * pool[1];
  const scale = rows.counts.flatMap((r) => columns.counts.map((c) => size / (r * c)));
  return means.mul(tensor4d(scale, [1, rows.counts.length, columns.counts.length, 1]));
}

export function poolOutputShape(
  inputShape: (number | null)[],
  s: ReturnType<typeof poolingSettings>,
): (number | null)[] {
  const [b, h, w, c] = inputShape;
  return [
    b,
    convOutputLength(h, s.pool[0], s.strides[0], s.padding),
    convOutputLength(w, s.pool[1], s.strides[1], s.padding),
    c,
  ];
}
