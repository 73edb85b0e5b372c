// Convolutions, pooling, padding, cropping and resizing: the layers that work on height and width.
// ONNX's Conv and pools read channels-first (NCHW, NCW), so these take their input in that layout and
// leave their output in it; padding, cropping and global pools work in either layout.
import { activate, activationProblem } from './activations.js';
import { permuteData, physicalAxis, type Value } from './graph.js';
import type { Attribute } from './proto.js';
import { type Converter, pair, type Step, samePads, single, staticSize } from './step.js';

// Padding per spatial axis for ONNX: all the begins, then all the ends.
const onnxPads = (perAxis: [number, number][]) => [...perAxis.map((p) => p[0]), ...perAxis.map((p) => p[1])];

function spatialPads(
  s: Step,
  padding: unknown,
  kernel: number[],
  strides: number[],
  dilations: number[],
): [number, number][] {
  if (padding !== 'same') return kernel.map(() => [0, 0]);
  return kernel.map((k, i) => samePads(staticSize(s, i + 1), k, strides[i], dilations[i]));
}

type Attrs = Record<string, number | number[]>;
const attributes = (a: Attrs) =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v === 'number' ? { int: v } : { ints: v }]));

/** The layer's bias as a constant, when it has one. */
const bias = (s: Step) => (s.has('bias') ? [s.constant('bias', 'raw', (b) => ({ data: b.data, dims: b.shape }))] : []);

/** A Conv node (bias as its third input when given), then the layer's activation. */
function conv(s: Step, x: Value, weight: string, attrs: Attrs, b: string[]): Value {
  const y = s.g.value(s.g.node(s.scope, 'Conv', [x.name, weight, ...b], attributes(attrs)), s.shape, 'first');
  return activate(s.g, y, s.config.activation, s.scope);
}

const activationOnly = (c: Record<string, unknown>) => activationProblem(c.activation);

const conv2d: Converter = {
  problem: activationOnly,
  convert(s) {
    const c = s.config;
    const kernel = pair(c.kernelSize, 1);
    const strides = pair(c.strides, 1);
    const dilations = pair(c.dilationRate, 1);
    // [kh, kw, in, out] -> [out, in, kh, kw].
    const w = s.constant('kernel', 'oihw', (k) => ({
      data: permuteData(k.data, k.shape, [3, 2, 0, 1]),
      dims: [k.shape[3], k.shape[2], k.shape[0], k.shape[1]],
    }));
    const pads = onnxPads(spatialPads(s, c.padding, kernel, strides, dilations));
    return conv(s, s.g.as(s.inputs[0], 'first'), w, { kernel_shape: kernel, strides, dilations, pads }, bias(s));
  },
};

const conv1d: Converter = {
  problem: activationOnly,
  convert(s) {
    const c = s.config;
    const k = single(c.kernelSize, 1);
    const stride = single(c.strides, 1);
    const dilation = single(c.dilationRate, 1);
    // [k, in, out] -> [out, in, k].
    const w = s.constant('kernel', 'oik', (kw) => ({
      data: permuteData(kw.data, kw.shape, [2, 1, 0]),
      dims: [kw.shape[2], kw.shape[1], kw.shape[0]],
    }));
    // Causal: the dilated kernel's span in front, none behind, so step t sees only steps <= t.
    const pads =
      c.padding === 'causal'
        ? [(k - 1) * dilation, 0]
        : c.padding === 'same'
          ? samePads(staticSize(s, 1), k, stride, dilation)
          : [0, 0];
    const attrs = { kernel_shape: [k], strides: [stride], dilations: [dilation], pads };
    return conv(s, s.g.as(s.inputs[0], 'first'), w, attrs, bias(s));
  },
};

/** The depthwise step of DepthwiseConv2D and SeparableConv2D: a grouped Conv, one group per input channel. */
function depthwise(s: Step): { x: Value; w: string; attrs: Attrs } {
  const c = s.config;
  const kernel = pair(c.kernelSize, 1);
  const strides = pair(c.strides, 1);
  const dilations = pair(c.dilationRate, 1);
  // [kh, kw, C, M] -> [C, M, kh, kw], which is [C*M, 1, kh, kw]: output channel c*M + m, as TensorFlow orders them.
  const w = s.constant('depthwiseKernel', 'grouped', (k) => ({
    data: permuteData(k.data, k.shape, [2, 3, 0, 1]),
    dims: [k.shape[2] * k.shape[3], 1, k.shape[0], k.shape[1]],
  }));
  const group = s.inputs[0].shape[3] as number;
  const pads = onnxPads(spatialPads(s, c.padding, kernel, strides, dilations));
  return { x: s.g.as(s.inputs[0], 'first'), w, attrs: { kernel_shape: kernel, strides, dilations, pads, group } };
}

const depthwiseConv2d: Converter = {
  problem: activationOnly,
  convert(s) {
    const d = depthwise(s);
    return conv(s, d.x, d.w, d.attrs, bias(s));
  },
};

const separableConv2d: Converter = {
  problem: activationOnly,
  convert(s) {
    const d = depthwise(s);
    const mid = s.g.node(s.scope, 'Conv', [d.x.name, d.w], attributes(d.attrs));
    // [1, 1, C*M, F] -> [F, C*M, 1, 1].
    const w = s.constant('pointwiseKernel', 'oihw', (k) => ({
      data: permuteData(k.data, k.shape, [3, 2, 0, 1]),
      dims: [k.shape[3], k.shape[2], 1, 1],
    }));
    return conv(s, s.g.value(mid, s.shape, 'first'), w, { kernel_shape: [1, 1] }, bias(s));
  },
};

const conv2dTranspose: Converter = {
  problem: activationOnly,
  convert(s) {
    const c = s.config;
    const kernel = pair(c.kernelSize, 1);
    const strides = pair(c.strides, 1);
    // TensorFlow pads the transposed conv as the conv it undoes: max(k - s, 0) in total, the odd one at
    // the end; output_padding makes up what is left of the output Neurite computes.
    const pads = kernel.map((k, i): [number, number] => {
      if (c.padding !== 'same') return [0, 0];
      const total = Math.max(k - strides[i], 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
    const outputPadding = kernel.map((k, i) => {
      const size = staticSize(s, i + 1);
      return (s.shape[i + 1] as number) - (strides[i] * (size - 1) + k - pads[i][0] - pads[i][1]);
    });
    // [kh, kw, out, in] -> [in, out, kh, kw].
    const w = s.constant('kernel', 'iohw', (k) => ({
      data: permuteData(k.data, k.shape, [3, 2, 0, 1]),
      dims: [k.shape[3], k.shape[2], k.shape[0], k.shape[1]],
    }));
    const attrs = { kernel_shape: kernel, strides, pads: onnxPads(pads), output_padding: outputPadding };
    const x = s.g.as(s.inputs[0], 'first');
    const y = s.g.node(s.scope, 'ConvTranspose', [x.name, w, ...bias(s)], attributes(attrs));
    return activate(s.g, s.g.value(y, s.shape, 'first'), c.activation, s.scope);
  },
};

function pool(kind: 'MaxPool' | 'AveragePool', dims: 1 | 2): Converter {
  return {
    convert(s) {
      const c = s.config;
      const size = dims === 2 ? pair(c.poolSize, 2) : [single(c.poolSize, 2)];
      const strides = dims === 2 ? pair(c.strides ?? c.poolSize, 2) : [single(c.strides ?? c.poolSize, 2)];
      const pads = onnxPads(spatialPads(s, c.padding, size, strides, [1, 1]));
      const attrs: Attrs = { kernel_shape: size, strides, pads };
      // TensorFlow's 'same' average leaves the padding out of each window's count.
      if (kind === 'AveragePool') attrs.count_include_pad = 0;
      const y = s.g.node(s.scope, kind, [s.g.as(s.inputs[0], 'first').name], attributes(attrs));
      return s.g.value(y, s.shape, 'first');
    },
  };
}

/** Global pooling: a reduction over the spatial axes, in the input's own layout. */
function globalPool(op: 'ReduceMean' | 'ReduceMax', spatial: number[]): Converter {
  return {
    convert(s) {
      const x = s.inputs[0];
      const keep = s.config.keepdims === true;
      const axes = spatial.map((a) => physicalAxis(a, x.shape.length, x.layout));
      const y = s.g.node(s.scope, op, [x.name], { axes: { ints: axes }, keepdims: { int: keep ? 1 : 0 } });
      return s.g.value(y, s.shape, x.layout);
    },
  };
}

/** [[top, bottom], [left, right]] from ZeroPadding2D's padding or Cropping2D's cropping. */
function sides(v: unknown, fallback: number): [[number, number], [number, number]] {
  if (v === undefined || v === null) v = fallback;
  if (typeof v === 'number') {
    return [
      [v, v],
      [v, v],
    ];
  }
  const [a, b] = v as (number | [number, number])[];
  const both = (x: number | [number, number]): [number, number] => (typeof x === 'number' ? [x, x] : x);
  return [both(a), both(b)];
}

const zeroPadding2d: Converter = {
  convert(s) {
    const x = s.inputs[0];
    const [rows, cols] = sides(s.config.padding, 1);
    const begin = [0, 0, 0, 0];
    const end = [0, 0, 0, 0];
    for (const [axis, [b, e]] of [
      [1, rows],
      [2, cols],
    ] as const) {
      begin[physicalAxis(axis, 4, x.layout)] = b;
      end[physicalAxis(axis, 4, x.layout)] = e;
    }
    const y = s.g.node(s.scope, 'Pad', [x.name, s.g.ints([...begin, ...end])]);
    return s.g.value(y, s.shape, x.layout);
  },
};

const cropping2d: Converter = {
  convert(s) {
    const x = s.inputs[0];
    const [[top, bottom], [left, right]] = sides(s.config.cropping, 0);
    const h = staticSize(s, 1);
    const w = staticSize(s, 2);
    const axes = [physicalAxis(1, 4, x.layout), physicalAxis(2, 4, x.layout)];
    const y = s.g.node(s.scope, 'Slice', [
      x.name,
      s.g.ints([top, left]),
      s.g.ints([h - bottom, w - right]),
      s.g.ints(axes),
    ]);
    return s.g.value(y, s.shape, x.layout);
  },
};

const upSampling2d: Converter = {
  convert(s) {
    const [sh, sw] = pair(s.config.size, 2);
    const x = s.g.as(s.inputs[0], 'first');
    const scales = s.g.floats(`${s.scope}/scales`, [1, 1, sh, sw], [4], `scales:${sh}x${sw}`);
    // Nearest repeats each pixel (floor of out / scale); bilinear samples at half-pixel centers, as Keras.
    const attrs: Record<string, Attribute> =
      s.config.interpolation === 'bilinear'
        ? { mode: { string: 'linear' }, coordinate_transformation_mode: { string: 'half_pixel' } }
        : {
            mode: { string: 'nearest' },
            coordinate_transformation_mode: { string: 'asymmetric' },
            nearest_mode: { string: 'floor' },
          };
    return s.g.value(s.g.node(s.scope, 'Resize', [x.name, '', scales], attrs), s.shape, 'first');
  },
};

/** The spatial converters, by Neurite class name. */
export const spatialConverters: Record<string, Converter> = {
  Conv1D: conv1d,
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  Conv2DTranspose: conv2dTranspose,
  MaxPooling1D: pool('MaxPool', 1),
  AveragePooling1D: pool('AveragePool', 1),
  MaxPooling2D: pool('MaxPool', 2),
  AveragePooling2D: pool('AveragePool', 2),
  GlobalAveragePooling1D: globalPool('ReduceMean', [1]),
  GlobalAveragePooling2D: globalPool('ReduceMean', [1, 2]),
  GlobalMaxPooling2D: globalPool('ReduceMax', [1, 2]),
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  UpSampling2D: upSampling2d,
};
