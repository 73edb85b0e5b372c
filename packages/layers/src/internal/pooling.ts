import { avgPool, avgPoolSame, maxPool, type Tensor, type Tensor4D } from '@neurite/core';
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
  // Not tfjs's avgPool 'same', whose gradient divides edge windows by the full pool size (see avgPoolSame).
  if (s.padding === 'same') return avgPoolSame(x as Tensor4D, s.pool, s.strides);
  return avgPool(x as Tensor4D, s.pool, s.strides, 'valid');
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
