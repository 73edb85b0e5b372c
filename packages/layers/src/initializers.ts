import {
  fill,
  NeuriteError,
  ones,
  randomNormal,
  randomUniform,
  type Tensor,
  truncatedNormal,
  zeros,
} from '@neurite/core';

/** Makes a weight's initial value. Seeded through @neurite/core's setSeed(). */
export interface Initializer {
  readonly className: InitializerName;
  readonly config: Record<string, number>;
  (shape: number[]): Tensor;
}

export type InitializerName =
  | 'zeros'
  | 'ones'
  | 'constant'
  | 'randomNormal'
  | 'randomUniform'
  | 'truncatedNormal'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'lecunNormal';

/** A serialised initializer: a name, or `{ className, config }`. */
export type InitializerSpec =
  | InitializerName
  | { className: InitializerName; config?: Record<string, number> }
  | Initializer;

/**
 * Fan-in and fan-out of a weight: [in, out] for Dense kernels; for conv kernels [kh, kw, in, out] the
 * receptive field kh*kw multiplies both.
 */
export function fans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

function make(className: InitializerName, config: Record<string, number>, f: (shape: number[]) => Tensor): Initializer {
  return Object.assign((shape: number[]) => f(shape), { className, config });
}

// 0.8796...: the standard deviation of a unit normal truncated at two standard deviations; dividing
// by it keeps the variance of a truncated draw what the scheme asks for (as Keras does).
const TRUNCATED_STD = 0.87962566103423978;

/**
 * Builds an initializer from a name or `{ className, config }`.
 *
 * @example
 * ```ts
 * import { useBackend, setSeed } from '@neurite/core';
 * import { getInitializer } from '@neurite/layers';
 * await useBackend('cpu');
 * setSeed(1);
 * const w = getInitializer('heNormal')([784, 128]);
 * console.log(w.shape); // [784, 128]
 * ```
 */
export function getInitializer(spec: InitializerSpec): Initializer {
  if (typeof spec === 'function') return spec;
  const { className, config = {} } = typeof spec === 'string' ? { className: spec, config: {} } : spec;
  const c = config as Record<string, number>;
  switch (className) {
    case 'zeros':
      return make('zeros', {}, (s) => zeros(s));
    case 'ones':
      return make('ones', {}, (s) => ones(s));
    case 'constant': {
      const value = c.value ?? 0;
      return make('constant', { value }, (s) => fill(s, value));
    }
    case 'randomNormal': {
      const { mean = 0, stddev = 0.05 } = c;
      return make('randomNormal', { mean, stddev }, (s) => randomNormal(s, mean, stddev));
    }
    case 'randomUniform': {
      const { minval = -0.05, maxval = 0.05 } = c;
      return make('randomUniform', { minval, maxval }, (s) => randomUniform(s, minval, maxval));
    }
    case 'truncatedNormal': {
      const { mean = 0, stddev = 0.05 } = c;
      return make('truncatedNormal', { mean, stddev }, (s) => truncatedNormal(s, mean, stddev));
    }
    case 'glorotUniform':
      return make('glorotUniform', {}, (s) => {
        const { fanIn, fanOut } = fans(s);
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        return randomUniform(s, -limit, limit);
      });
    case 'glorotNormal':
      return make('glorotNormal', {}, (s) => {
        const { fanIn, fanOut } = fans(s);
        return truncatedNormal(s, 0, Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATED_STD);
      });
    case 'heUniform':
      return make('heUniform', {}, (s) => {
        const limit = Math.sqrt(6 / fans(s).fanIn);
        return randomUniform(s, -limit, limit);
      });
    case 'heNormal':
      return make('heNormal', {}, (s) => truncatedNormal(s, 0, Math.sqrt(2 / fans(s).fanIn) / TRUNCATED_STD));
    case 'lecunNormal':
      return make('lecunNormal', {}, (s) => truncatedNormal(s, 0, Math.sqrt(1 / fans(s).fanIn) / TRUNCATED_STD));
    default:
      throw new NeuriteError(
        `Unknown initializer '${String(className)}'. Expected one of: zeros, ones, constant, randomNormal, ` +
          'randomUniform, truncatedNormal, glorotUniform, glorotNormal, heUniform, heNormal, lecunNormal. ' +
          `Received: ${JSON.stringify(spec)}.`,
      );
  }
}

/** The JSON form of an initializer, for layer configs. */
export function serializeInitializer(init: Initializer): {
  className: InitializerName;
  config: Record<string, number>;
} {
  return { className: init.className, config: { ...init.config } };
}
