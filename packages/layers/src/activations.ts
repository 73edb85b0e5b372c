import {
  elu,
  erf,
  exp,
  leakyRelu,
  mul,
  NeuriteError,
  relu,
  sigmoid,
  softmax,
  softplus,
  step,
  type Tensor,
  tanh,
} from '@neurite/core';

/** An activation: a function of a tensor, with its elementwise derivative (for the course's plots). */
export interface Activation {
  /** The name used in configs, e.g. 'relu'. */
  readonly name: ActivationName;
  (x: Tensor): Tensor;
  /** d activation / dx, elementwise. For softmax: the Jacobian's diagonal, s * (1 - s). */
  derivative(x: Tensor): Tensor;
}

/** Names accepted by `activation: '...'` and getActivation(). */
export type ActivationName =
  | 'linear'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'gelu'
  | 'softplus'
  | 'swish'
  | 'softmax';

function make(name: ActivationName, f: (x: Tensor) => Tensor, d: (x: Tensor) => Tensor): Activation {
  const fn = Object.assign((x: Tensor) => f(x), { derivative: d });
  // A function's own `name` is read-only for assignment but can be redefined.
  Object.defineProperty(fn, 'name', { value: name });
  return fn as unknown as Activation;
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** The identity, f(x) = x; f'(x) = 1. */
export const linear = make(
  'linear',
  (x) => x.clone(),
  (x) => x.onesLike(),
);
/** f(x) = 1 / (1 + e^-x); f'(x) = f(x)(1 - f(x)). */
export const sigmoidActivation = make(
  'sigmoid',
  (x) => sigmoid(x),
  (x) => {
    const s = sigmoid(x);
    return s.mul(s.neg().add(1));
  },
);
/** f(x) = tanh x; f'(x) = 1 - tanh^2 x. */
export const tanhActivation = make(
  'tanh',
  (x) => tanh(x),
  (x) => tanh(x).square().neg().add(1),
);
/** f(x) = max(0, x); f'(x) = 1 for x > 0, else 0. */
export const reluActivation = make(
  'relu',
  (x) => relu(x),
  (x) => step(x, 0),
);

/**
 * Leaky ReLU with slope `alpha` for x < 0 (default 0.2): f(x) = x for x > 0, alpha * x otherwise.
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { leakyReluWith } from '@neurite/layers';
 * await useBackend('cpu');
 * const f = leakyReluWith(0.1);
 * console.log(await f(tensor([-2, 3])).data()); // Float32Array [-0.2, 3]
 * ```
 */
export function leakyReluWith(alpha = 0.2): Activation {
  return make(
    'leakyRelu',
    (x) => leakyRelu(x, alpha),
    (x) =>
      step(x, 0)
        .mul(1 - alpha)
        .add(alpha),
  );
}
export const leakyReluActivation = leakyReluWith(0.2);
/** ELU with alpha 1: f(x) = x for x > 0, e^x - 1 otherwise; f'(x) = 1 or e^x. */
export const eluActivation = make(
  'elu',
  (x) => elu(x),
  (x) => {
    const pos = step(x, 0);
    return pos.add(exp(x.minimum(0)).mul(pos.neg().add(1)));
  },
);
/** GELU (exact, with erf): f(x) = x * Phi(x); f'(x) = Phi(x) + x * phi(x). */
export const gelu = make(
  'gelu',
  (x) => x.mul(erf(x.mul(SQRT1_2)).add(1)).mul(0.5),
  (x) => {
    const cdf = erf(x.mul(SQRT1_2)).add(1).mul(0.5);
    const pdf = exp(x.square().mul(-0.5)).mul(INV_SQRT_2PI);
    return cdf.add(mul(x, pdf));
  },
);
/** f(x) = log(1 + e^x); f'(x) = sigmoid(x). */
export const softplusActivation = make(
  'softplus',
  (x) => softplus(x),
  (x) => sigmoid(x),
);
/** Swish (SiLU): f(x) = x * sigmoid(x); f'(x) = s + x s (1 - s). */
export const swish = make(
  'swish',
  (x) => x.mul(sigmoid(x)),
  (x) => {
    const s = sigmoid(x);
    return s.add(x.mul(s).mul(s.neg().add(1)));
  },
);
/** Softmax over the last axis; derivative() gives the Jacobian's diagonal s (1 - s). */
export const softmaxActivation = make(
  'softmax',
  (x) => softmax(x),
  (x) => {
    const s = softmax(x);
    return s.mul(s.neg().add(1));
  },
);

/** Every built-in activation by name. */
export const activations: Readonly<Record<ActivationName, Activation>> = {
  linear,
  sigmoid: sigmoidActivation,
  tanh: tanhActivation,
  relu: reluActivation,
  leakyRelu: leakyReluActivation,
  elu: eluActivation,
  gelu,
  softplus: softplusActivation,
  swish,
  softmax: softmaxActivation,
};

/**
 * Looks an activation up by name ('relu', 'leakyRelu', ...); `alpha` sets leakyRelu's slope.
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { getActivation } from '@neurite/layers';
 * await useBackend('cpu');
 * const sigmoid = getActivation('sigmoid');
 * console.log(await sigmoid(tensor([0])).data(), await sigmoid.derivative(tensor([0])).data()); // [0.5] [0.25]
 * ```
 */
export function getActivation(
  name: ActivationName | string | undefined | null,
  options: { alpha?: number } = {},
): Activation {
  if (name === undefined || name === null) return linear;
  if (name === 'leakyRelu' && options.alpha !== undefined) return leakyReluWith(options.alpha);
  // Own properties only: 'constructor' or 'toString' from a file must not resolve to Object's methods.
  const found = Object.hasOwn(activations, name) ? (activations as Record<string, Activation>)[name] : undefined;
  if (typeof name !== 'string' || !found) {
    const shown = typeof name === 'string' ? `'${name}'` : JSON.stringify(name);
    throw new NeuriteError(
      `Unknown activation ${shown}. Expected one of: ${Object.keys(activations).join(', ')}. ` +
        `Received: activation=${shown}. Names are case-sensitive, e.g. 'leakyRelu'.`,
    );
  }
  return found;
}
