// Dense, normalization, activation, shape, merge and inference-identity layers as ONNX nodes.
// Element-wise and per-channel layers work in whichever layout their input is in (a per-channel
// constant is shaped for it); layers that read the order of values (Flatten, Reshape, Permute, Dense on
// more than two axes) take the channels-last tensor, so the numbers keep Neurite's order.
import { activate, activationProblem } from './activations.js';
import { type Layout, permuteData, physicalAxis, toFirst, type Value } from './graph.js';
import type { Converter, Step } from './step.js';

const raw = (w: { data: Float32Array; shape: number[] }) => ({ data: w.data, dims: w.shape });

const dense: Converter = {
  problem: (c) => activationProblem(c.activation),
  convert(s) {
    const kernel = s.constant('kernel', 'raw', raw);
    const bias = s.has('bias') ? [s.constant('bias', 'raw', raw)] : [];
    let y: string;
    if (s.inputs[0].shape.length === 2) {
      y = s.g.node(s.scope, 'Gemm', [s.inputs[0].name, kernel, ...bias]);
    } else {
      // MatMul on the last axis of the channels-last tensor, as Neurite's Dense.
      y = s.g.node(s.scope, 'MatMul', [s.g.as(s.inputs[0], 'last').name, kernel]);
      if (bias.length > 0) y = s.g.node(s.scope, 'Add', [y, bias[0]]);
    }
    return activate(s.g, s.g.value(y, s.shape, 'last'), s.config.activation, s.scope);
  },
};

/** x * scale + shift, with per-channel (or scalar) scale and shift; either may be absent. */
function affine(s: Step, x: Value, scale?: string, shift?: string): Value {
  let y = x.name;
  if (scale) y = s.g.node(s.scope, 'Mul', [y, scale]);
  if (shift) y = s.g.node(s.scope, 'Add', [y, shift]);
  return s.g.value(y, s.shape, x.layout);
}

// Inference-mode batch normalization folded into one scale and one shift per channel:
// gamma (x - mean) / sqrt(var + eps) + beta = x * scale + (beta - mean * scale).
const batchNormalization: Converter = {
  convert(s) {
    const x = s.inputs[0];
    const eps = (s.config.epsilon as number | undefined) ?? 1e-3;
    const mean = s.weight('movingMean').data;
    const variance = s.weight('movingVariance').data;
    const gamma = s.has('gamma') ? s.weight('gamma').data : undefined;
    const beta = s.has('beta') ? s.weight('beta').data : undefined;
    const scale = Float32Array.from(variance, (v, i) => (gamma ? gamma[i] : 1) / Math.sqrt(v + eps));
    const shift = Float32Array.from(scale, (k, i) => (beta ? beta[i] : 0) - mean[i] * k);
    const key = `${s.key}:bn`;
    return affine(
      s,
      x,
      s.g.channels(x, `${s.scope}/scale`, scale, `${key}:scale`),
      s.g.channels(x, `${s.scope}/shift`, shift, `${key}:shift`),
    );
  },
};

const layerNormalization: Converter = {
  convert(s) {
    const eps = (s.config.epsilon as number | undefined) ?? 1e-3;
    const c = s.inputs[0].shape[s.inputs[0].shape.length - 1] as number;
    if (s.opset >= 17) {
      // LayerNormalization normalizes from `axis` to the end: the channels must be last.
      const x = s.g.as(s.inputs[0], 'last');
      const gamma = s.has('gamma') ? s.constant('gamma', 'raw', raw) : s.g.floats(`${s.scope}/ones`, ones(c), [c]);
      const beta = s.has('beta') ? [s.constant('beta', 'raw', raw)] : [];
      const y = s.g.node(s.scope, 'LayerNormalization', [x.name, gamma, ...beta], {
        axis: { int: -1 },
        epsilon: { float: eps },
      });
      return s.g.value(y, s.shape, 'last');
    }
    // Before opset 17 there is no LayerNormalization operator:
    // (x - mean) / sqrt(mean((x - mean)^2) + eps) over the channel axis, as Neurite computes it.
    const x = s.inputs[0];
    const axes = { ints: [physicalAxis(-1, x.shape.length, x.layout)] };
    const mean = s.g.node(s.scope, 'ReduceMean', [x.name], { axes, keepdims: { int: 1 } });
    const d = s.g.node(s.scope, 'Sub', [x.name, mean]);
    const variance = s.g.node(s.scope, 'ReduceMean', [s.g.node(s.scope, 'Mul', [d, d])], {
      axes,
      keepdims: { int: 1 },
    });
    const std = s.g.node(s.scope, 'Sqrt', [s.g.node(s.scope, 'Add', [variance, s.g.scalar(eps)])]);
    const normed = s.g.value(s.g.node(s.scope, 'Div', [d, std]), s.shape, x.layout);
    const perChannel = (name: string) =>
      s.has(name) ? s.g.channels(x, `${s.scope}/${name}`, s.weight(name).data, `${s.key}:${name}`) : undefined;
    return affine(s, normed, perChannel('gamma'), perChannel('beta'));
  },
};

const ones = (n: number) => new Float32Array(n).fill(1);

const activationLayer: Converter = {
  problem: (c) => activationProblem(c.activation),
  convert: (s) => activate(s.g, s.inputs[0], s.config.activation, s.scope, s.config.alpha as number | undefined),
};

// Keras's ReLU: x above the threshold (0 elsewhere), capped at maxValue, minus negativeSlope * relu(threshold - x).
const relu: Converter = {
  convert(s) {
    const x = s.inputs[0];
    const max = s.config.maxValue as number | null | undefined;
    const slope = (s.config.negativeSlope as number | undefined) ?? 0;
    const t = (s.config.threshold as number | undefined) ?? 0;
    const out = (name: string) => s.g.value(name, s.shape, x.layout);
    if (t === 0 && slope === 0) {
      if (max === null || max === undefined) return out(s.g.node(s.scope, 'Relu', [x.name]));
      return out(s.g.node(s.scope, 'Clip', [x.name, s.g.scalar(0), s.g.scalar(max)]));
    }
    const above = s.g.node(s.scope, 'Greater', [x.name, s.g.scalar(t)]);
    let y = s.g.node(s.scope, 'Where', [above, x.name, s.g.scalar(0)]);
    if (max !== null && max !== undefined) y = s.g.node(s.scope, 'Min', [y, s.g.scalar(max)]);
    if (slope !== 0) {
      const below = s.g.node(s.scope, 'Relu', [s.g.node(s.scope, 'Sub', [s.g.scalar(t), x.name])]);
      y = s.g.node(s.scope, 'Sub', [y, s.g.node(s.scope, 'Mul', [below, s.g.scalar(slope)])]);
    }
    return out(y);
  },
};

const leakyRelu: Converter = {
  convert(s) {
    const alpha = (s.config.alpha as number | undefined) ?? 0.3;
    const x = s.inputs[0];
    return s.g.value(s.g.node(s.scope, 'LeakyRelu', [x.name], { alpha: { float: alpha } }), s.shape, x.layout);
  },
};

const elu: Converter = {
  convert(s) {
    const alpha = (s.config.alpha as number | undefined) ?? 1;
    const x = s.inputs[0];
    return s.g.value(s.g.node(s.scope, 'Elu', [x.name], { alpha: { float: alpha } }), s.shape, x.layout);
  },
};

const prelu: Converter = {
  convert(s) {
    const x = s.inputs[0];
    // The slopes have the sample's shape (shared axes 1); channels-first moves their last axis first too.
    const alpha = s.constant('alpha', x.layout, (a) => {
      if (x.layout === 'last' || a.shape.length < 2) return raw(a);
      const perm = toFirst(a.shape.length + 1)
        .slice(1)
        .map((p) => p - 1);
      return { data: permuteData(a.data, a.shape, perm), dims: perm.map((p) => a.shape[p]) };
    });
    return s.g.value(s.g.node(s.scope, 'PRelu', [x.name, alpha]), s.shape, x.layout);
  },
};

const softmax: Converter = {
  convert(s) {
    const x = s.inputs[0];
    const rank = x.shape.length;
    const given = s.config.axis ?? -1;
    const axes = (typeof given === 'number' ? [given] : (given as number[])).map((a) =>
      physicalAxis(a, rank, x.layout),
    );
    if (axes.length === 1) {
      return s.g.value(s.g.node(s.scope, 'Softmax', [x.name], { axis: { int: axes[0] } }), s.shape, x.layout);
    }
    // Over several axes: e^(x - max) / sum e^(x - max), as Neurite computes it.
    const max = s.g.node(s.scope, 'ReduceMax', [x.name], { axes: { ints: axes }, keepdims: { int: 1 } });
    const e = s.g.node(s.scope, 'Exp', [s.g.node(s.scope, 'Sub', [x.name, max])]);
    const sum = s.g.node(s.scope, 'ReduceSum', [e, s.g.ints(axes)], { keepdims: { int: 1 } });
    return s.g.value(s.g.node(s.scope, 'Div', [e, sum]), s.shape, x.layout);
  },
};

const flatten: Converter = {
  convert(s) {
    // Flattening the channels-last tensor keeps Neurite's order, which the next Dense's kernel expects.
    const x = s.g.as(s.inputs[0], 'last');
    return s.g.value(s.g.node(s.scope, 'Flatten', [x.name], { axis: { int: 1 } }), s.shape, 'last');
  },
};

const reshape: Converter = {
  convert(s) {
    const x = s.g.as(s.inputs[0], 'last');
    // 0 keeps the batch size (whatever it is at run time); the rest is the static output shape.
    const shape = s.g.ints([0, ...(s.shape.slice(1) as number[])]);
    return s.g.value(s.g.node(s.scope, 'Reshape', [x.name, shape]), s.shape, 'last');
  },
};

const permute: Converter = {
  convert(s) {
    const x = s.g.as(s.inputs[0], 'last');
    const perm = [0, ...(s.config.dims as number[])];
    return s.g.value(s.g.node(s.scope, 'Transpose', [x.name], { perm: { ints: perm } }), s.shape, 'last');
  },
};

const repeatVector: Converter = {
  convert(s) {
    const n = s.config.n as number;
    const expanded = s.g.node(s.scope, 'Unsqueeze', [s.inputs[0].name, s.g.ints([1])]);
    return s.g.value(s.g.node(s.scope, 'Tile', [expanded, s.g.ints([1, n, 1])]), s.shape, 'last');
  },
};

// Dropout and noise change nothing at inference: the value passes through, with no node.
const identity: Converter = { convert: (s) => s.inputs[0] };

const rescaling: Converter = {
  convert(s) {
    const x = s.inputs[0];
    const constant = (v: unknown, name: string, skip: number) => {
      const list = typeof v === 'number' ? [v] : (v as number[]);
      if (list.length === 1) return list[0] === skip ? undefined : s.g.scalar(list[0]);
      return s.g.channels(x, `${s.scope}/${name}`, list, `${s.key}:${name}`);
    };
    return affine(s, x, constant(s.config.scale, 'scale', 1), constant(s.config.offset ?? 0, 'offset', 0));
  },
};

/** The layout several inputs meet in: the one that needs fewer new Transposes (channels-last on a tie). */
function meet(s: Step): { layout: Layout; names: string[] } {
  const missing = (layout: Layout) => s.inputs.filter((v) => !s.g.available(v, layout)).length;
  const layout: Layout = missing('first') < missing('last') ? 'first' : 'last';
  return { layout, names: s.inputs.map((v) => s.g.as(v, layout).name) };
}

/** An element-wise merge: one variadic operator, or a binary one chained over the inputs. */
function merge(op: string, variadic: boolean): Converter {
  return {
    convert(s) {
      const { layout, names } = meet(s);
      const y = variadic
        ? s.g.node(s.scope, op, names)
        : names.slice(1).reduce((acc, n) => s.g.node(s.scope, op, [acc, n]), names[0]);
      return s.g.value(y, s.shape, layout);
    },
  };
}

const concatenate: Converter = {
  convert(s) {
    const { layout, names } = meet(s);
    const axis = physicalAxis((s.config.axis as number | undefined) ?? -1, s.shape.length, layout);
    return s.g.value(s.g.node(s.scope, 'Concat', names, { axis: { int: axis } }), s.shape, layout);
  },
};

/** The converters of the layers that are not spatial, by Neurite class name. */
export const layerConverters: Record<string, Converter> = {
  Dense: dense,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Activation: activationLayer,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  ELU: elu,
  PReLU: prelu,
  Softmax: softmax,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  RepeatVector: repeatVector,
  Dropout: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  Rescaling: rescaling,
  Add: merge('Sum', true),
  Subtract: merge('Sub', false),
  Multiply: merge('Mul', false),
  Average: merge('Mean', true),
  Maximum: merge('Max', true),
  Minimum: merge('Min', true),
  Concatenate: concatenate,
};
