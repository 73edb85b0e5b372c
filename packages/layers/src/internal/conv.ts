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
