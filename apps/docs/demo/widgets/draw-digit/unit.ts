// One output unit of a conv or pooling layer worked out by hand, from the layer's input (the previous
// layer's real activation), its weights and its settings: the numbers the detail view shows. The model's
// own activation at that position is the check: both must agree.

/** A layer's output for one image, batch dropped: values channels-last, `(y * w + x) * c + channel`. */
export interface Volume {
  values: Float32Array;
  h: number;
  w: number;
  c: number;
}

export const at = (v: Volume, y: number, x: number, ch: number): number => v.values[(y * v.w + x) * v.c + ch];

/** A kernel or pooling window's settings, as Conv2D and the pooling layers take them. */
export interface WindowSettings {
  size: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: 'same' | 'valid';
}

/** One tap of the window: where it falls in the input, or outside it (padding). */
export interface Tap {
  y: number;
  x: number;
  inside: boolean;
}

/** An [h, w] pair from a config's `3` or `[3, 3]`; `fallback` when it is absent or not positive integers. */
export function pair(v: unknown, fallback: number): [number, number] {
  if (Array.isArray(v) && v.length === 2 && v.every((n) => Number.isInteger(n) && n > 0)) return [v[0], v[1]];
  return Number.isInteger(v) && (v as number) > 0 ? [v as number, v as number] : [fallback, fallback];
}

/**
 * The input positions the window reads for output (y, x), row by row. 'same' pads as TensorFlow does:
 * the total padding is what makes the output ceil(input / stride) long, and the extra pixel of an odd
 * total goes at the bottom and right.
 */
export function taps(input: Volume, outH: number, outW: number, s: WindowSettings, y: number, x: number): Tap[] {
  const pad = (out: number, inLen: number, k: number, stride: number, d: number) =>
    s.padding === 'same' ? Math.floor(Math.max((out - 1) * stride + (k - 1) * d + 1 - inLen, 0) / 2) : 0;
  const top = pad(outH, input.h, s.size[0], s.strides[0], s.dilation[0]);
  const left = pad(outW, input.w, s.size[1], s.strides[1], s.dilation[1]);
  const out: Tap[] = [];
  for (let i = 0; i < s.size[0]; i++) {
    for (let j = 0; j < s.size[1]; j++) {
      const ty = y * s.strides[0] + i * s.dilation[0] - top;
      const tx = x * s.strides[1] + j * s.dilation[1] - left;
      out.push({ y: ty, x: tx, inside: ty >= 0 && ty < input.h && tx >= 0 && tx < input.w });
    }
  }
  return out;
}

/** A conv unit: per input channel, the kernel slice, the patch under it and their products. */
export interface ConvUnit {
  taps: Tap[];
  /** [input channel][tap]: the kernel's weights for this output channel. */
  kernel: number[][];
  /** [input channel][tap]: the input values under the kernel (0 where it hangs over the edge). */
  patch: number[][];
  /** [input channel][tap]: kernel times patch. */
  products: number[][];
  /** [input channel]: the sum of that channel's products. */
  channelSums: number[];
  /** The sum over every input channel. */
  sum: number;
  bias: number;
  /** sum + bias: the value before the activation. */
  z: number;
}

/**
 * Output unit (y, x, channel) of a Conv2D: the kernel is `[kh, kw, inChannels, filters]` as the layer
 * stores it, so weight (i, j, c, k) sits at `((i * kw + j) * inChannels + c) * filters + k`, and tap
 * t = i * kw + j.
 */
export function convUnit(
  input: Volume,
  out: { h: number; w: number },
  kernel: { values: Float32Array; shape: number[] },
  bias: Float32Array | undefined,
  s: WindowSettings,
  unit: { y: number; x: number; channel: number },
): ConvUnit {
  const [, , cin, filters] = kernel.shape;
  const list = taps(input, out.h, out.w, s, unit.y, unit.x);
  const r: ConvUnit = { taps: list, kernel: [], patch: [], products: [], channelSums: [], sum: 0, bias: 0, z: 0 };
  for (let c = 0; c < cin; c++) {
    const k = list.map((_, t) => kernel.values[(t * cin + c) * filters + unit.channel]);
    const p = list.map((tap) => (tap.inside ? at(input, tap.y, tap.x, c) : 0));
    const products = k.map((v, t) => v * p[t]);
    const sum = products.reduce((a, b) => a + b, 0);
    r.kernel.push(k);
    r.patch.push(p);
    r.products.push(products);
    r.channelSums.push(sum);
    r.sum += sum;
  }
  r.bias = bias ? bias[unit.channel] : 0;
  r.z = r.sum + r.bias;
  return r;
}

/** A pooling unit: the window's values in one channel and what the layer makes of them. */
export interface PoolUnit {
  taps: Tap[];
  /** The input values under the window (NaN where it hangs over the edge: left out). */
  window: number[];
  /** Which tap holds the result of a max pool. */
  argmax: number;
  value: number;
}

/** Output unit (y, x, channel) of a max or average pool; 'same' padding leaves the outside taps out. */
export function poolUnit(
  input: Volume,
  out: { h: number; w: number },
  kind: 'max' | 'average',
  s: WindowSettings,
  unit: { y: number; x: number; channel: number },
): PoolUnit {
  const list = taps(input, out.h, out.w, s, unit.y, unit.x);
  const window = list.map((t) => (t.inside ? at(input, t.y, t.x, unit.channel) : Number.NaN));
  const inside = window.filter((v) => !Number.isNaN(v));
  let argmax = -1;
  window.forEach((v, i) => {
    if (!Number.isNaN(v) && (argmax < 0 || v > window[argmax])) argmax = i;
  });
  const value = kind === 'max' ? window[argmax] : inside.reduce((a, b) => a + b, 0) / inside.length;
  return { taps: list, window, argmax, value };
}
