// Neurite's activations as ONNX operators, in whatever layout the value is in (they are element-wise,
// except softmax, which runs over the channel axis wherever that lies).
import { type OnnxGraph, physicalAxis, type Value } from './graph.js';

/** The activation names exportOnnx knows: every built-in one. */
export const ONNX_ACTIVATIONS: readonly string[] = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'leakyRelu',
  'elu',
  'gelu',
  'softplus',
  'swish',
  'softmax',
];

/** Why an activation name has no ONNX form, or undefined when it has one. */
export function activationProblem(name: unknown): string | undefined {
  if (name === undefined || name === null || ONNX_ACTIVATIONS.includes(name as string)) return undefined;
  return `activation '${String(name)}' has no ONNX form (known: ${ONNX_ACTIVATIONS.join(', ')})`;
}

/** Applies the activation `name` to `v`; `alpha` is leakyRelu's slope (Neurite's default 0.2). */
export function activate(g: OnnxGraph, v: Value, name: unknown, scope: string, alpha?: number): Value {
  const out = (op: string, inputs: string[], attributes?: Parameters<OnnxGraph['node']>[3]) =>
    g.value(g.node(scope, op, inputs, attributes), v.shape, v.layout);
  switch (name ?? 'linear') {
    case 'linear':
      return v;
    case 'relu':
      return out('Relu', [v.name]);
    case 'sigmoid':
      return out('Sigmoid', [v.name]);
    case 'tanh':
      return out('Tanh', [v.name]);
    case 'leakyRelu':
      return out('LeakyRelu', [v.name], { alpha: { float: alpha ?? 0.2 } });
    case 'elu':
      return out('Elu', [v.name], { alpha: { float: 1 } });
    case 'softplus':
      return out('Softplus', [v.name]);
    case 'softmax':
      return out('Softmax', [v.name], { axis: { int: physicalAxis(-1, v.shape.length, v.layout) } });
    case 'swish':
      return out('Mul', [v.name, g.node(scope, 'Sigmoid', [v.name])]);
    case 'gelu': {
      // The exact GELU, as Neurite computes it: x * (1 + erf(x / sqrt 2)) / 2 (ONNX's Gelu op is opset 20).
      const erf = g.node(scope, 'Erf', [g.node(scope, 'Mul', [v.name, g.scalar(Math.SQRT1_2)])]);
      const half = g.node(scope, 'Mul', [v.name, g.scalar(0.5)]);
      return out('Mul', [half, g.node(scope, 'Add', [erf, g.scalar(1)])]);
    }
    default:
      throw new Error(`activate: no ONNX form for activation '${String(name)}' (exportOnnx checks this first).`);
  }
}
