import { concat, split, type Tensor, zeros } from '@neurite/core';

/** Output length of a convolution or pooling window along one axis. */
export function convOutputLength(
  input: number | null,
  kernel: number,
  stride: number,
  padding: 'same' | 'valid',
  dilation = 1,
): number | null {
  if (input === null) return null;
  if (padding === 'same') return Math.ceil(input / stride);
  return Math.ceil((input - (kernel - 1) * dilation) / stride);
}

/**
 * [kh, kw, ...] -> [(kh-1)dh+1, (kw-1)dw+1, ...], with dh-1 (dw-1) zero rows (columns) between taps:
 * a dilated kernel run undilated (tfjs has no gradient for dilated conv2d or depthwise conv2d). Built
 * from slices and concats only: tfjs's webgpu backend has no rank-5 Pad. Conv1D, Conv2D,
 * DepthwiseConv2D and SeparableConv2D use it.
 */
export function dilateKernel(k: Tensor, [dh, dw]: [number, number]): Tensor {
  const spreadTaps = (t: Tensor, axis: 0 | 1, d: number): Tensor => {
    if (d === 1) return t;
    const parts = split(t, t.shape[axis] as number, axis);
    const gapShape = [...t.shape];
    gapShape[axis] = d - 1;
    const gap = zeros(gapShape);
    return concat(
      parts.flatMap((p, i) => (i === 0 ? [p] : [gap, p])),
      axis,
    );
  };
  return spreadTaps(spreadTaps(k, 0, dh), 1, dw);
}
