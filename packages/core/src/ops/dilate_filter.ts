import { concat, type Rank, split, type Tensor, tidy, zeros } from '#tfjs';
import { NeuriteError } from '../errors.js';

/**
 * A convolution filter `[kh, kw, ...]` spread out for dilation rates `[dh, dw]`: `dh - 1` zero rows
 * between its rows and `dw - 1` zero columns between its columns, giving
 * `[(kh - 1) * dh + 1, (kw - 1) * dw + 1, ...]`. Convolving with it undilated computes the dilated
 * convolution, with the same output size and the same 'same' padding.
 *
 * Why: tfjs 4.22 has no gradient for a dilated conv2d or depthwiseConv2d (`grad` throws "dilation
 * rates greater than 1 are not yet supported"), on every backend. Through this filter the gradient
 * comes from conv2d's undilated one and from split/concat. It is built from slices and concats only,
 * since tfjs's webgpu backend has no Pad for rank 5. When nothing moves (rates of 1, or a rate above
 * 1 only along an axis of one tap) it returns `filter` itself.
 *
 * @example
 * ```ts
 * import { conv2d, dilateFilter, tensor4d, useBackend } from '@neurite/core';
 * await useBackend('cpu');
 * const k = tensor4d([1, 2, 3, 4], [2, 2, 1, 1]);
 * console.log(Array.from(await dilateFilter(k, [2, 2]).data())); // [ 1, 0, 2, 0, 0, 0, 3, 0, 4 ]
 * const x = tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
 * // 1*1 + 2*3 + 3*7 + 4*9: conv2d(x, k, 1, 'valid', 'NHWC', 2), which tfjs cannot differentiate.
 * console.log(Array.from(await conv2d(x, dilateFilter(k, [2, 2]), 1, 'valid').data())); // [ 64 ]
 * ```
 */
/** The most values a dilated filter may hold: 2^26 float32s, 256 MB. */
export const MAX_DILATED_VALUES = 2 ** 26;

export function dilateFilter<R extends Rank>(filter: Tensor<R>, [dh, dw]: [number, number]): Tensor<R> {
  for (const [key, d] of [
    ['dh', dh],
    ['dw', dw],
  ] as const) {
    if (!Number.isInteger(d) || d < 1) {
      throw new NeuriteError(
        `dilateFilter: the dilation rates must be positive integers, e.g. [2, 2]. Received: ${key}=${String(d)}.`,
      );
    }
  }
  if (filter.rank < 2) {
    throw new NeuriteError(
      `dilateFilter: the filter needs at least 2 axes [height, width, ...]. Received shape [${filter.shape.join(', ')}].`,
    );
  }
  if ((dh === 1 || filter.shape[0] === 1) && (dw === 1 || filter.shape[1] === 1)) return filter;
  // Checked before a value is made: a rate from a stranger's model file must not allocate gigabytes.
  const spread = [((filter.shape[0] as number) - 1) * dh + 1, ((filter.shape[1] as number) - 1) * dw + 1];
  const values = spread[0] * spread[1] * filter.shape.slice(2).reduce((a, b) => a * b, 1);
  if (values > MAX_DILATED_VALUES) {
    throw new NeuriteError(
      `dilateFilter: the dilated filter would be [${[...spread, ...filter.shape.slice(2)].join(', ')}], ${values.toExponential(2)} values; ` +
        `at most ${MAX_DILATED_VALUES} (256 MB) are allowed. Received: dilation [${dh}, ${dw}] for a filter of shape [${filter.shape.join(', ')}]. Lower the dilation rate.`,
    );
  }
  return tidy(() => spreadTaps(spreadTaps(filter, 0, dh), 1, dw)) as Tensor<R>;
}

/** `t` with `d - 1` zero slices between consecutive slices along `axis`. */
function spreadTaps(t: Tensor, axis: 0 | 1, d: number): Tensor {
  // One tap has no gaps. (A one-part split and concat would also give it, but tfjs's gradient of a
  // one-output split throws "Pass at least one tensor to concat".)
  if (d === 1 || t.shape[axis] === 1) return t;
  const parts = split(t, t.shape[axis] as number, axis);
  const gapShape = [...t.shape];
  gapShape[axis] = d - 1;
  const gap = zeros(gapShape);
  return concat(
    parts.flatMap((p, i) => (i === 0 ? [p] : [gap, p])),
    axis,
  );
}
