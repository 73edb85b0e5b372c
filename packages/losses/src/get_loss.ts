import { NeuriteError, type Tensor } from '@neurite/core';
import { binaryCrossentropy, binaryCrossentropyDefaults } from './binary_crossentropy.js';
import { categoricalCrossentropy, categoricalCrossentropyDefaults } from './categorical_crossentropy.js';
import { huber, huberDefaults } from './huber.js';
import { resolveOptions, show } from './internal/checks.js';
import { meanAbsoluteError, meanAbsoluteErrorDefaults } from './mean_absolute_error.js';
import { meanSquaredError, meanSquaredErrorDefaults } from './mean_squared_error.js';
import {
  sparseCategoricalCrossentropy,
  sparseCategoricalCrossentropyDefaults,
} from './sparse_categorical_crossentropy.js';
import type { Loss, LossSpec, LossTargets } from './types.js';

interface Builtin {
  name: string;
  className: string;
  // `never` accepts every loss's own options type; `call` passes the options resolved for that loss.
  fn: (yTrue: Tensor, yPred: Tensor, options?: never) => Tensor;
  defaults: object;
  targets: LossTargets;
  aliases?: string[];
}

const builtins: Builtin[] = [
  {
    name: 'binaryCrossentropy',
    className: 'BinaryCrossentropy',
    fn: binaryCrossentropy,
    defaults: binaryCrossentropyDefaults,
    targets: 'dense',
  },
  {
    name: 'categoricalCrossentropy',
    className: 'CategoricalCrossentropy',
    fn: categoricalCrossentropy,
    defaults: categoricalCrossentropyDefaults,
    targets: 'oneHot',
  },
  {
    name: 'sparseCategoricalCrossentropy',
    className: 'SparseCategoricalCrossentropy',
    fn: sparseCategoricalCrossentropy,
    defaults: sparseCategoricalCrossentropyDefaults,
    targets: 'sparse',
  },
  {
    name: 'meanSquaredError',
    className: 'MeanSquaredError',
    fn: meanSquaredError,
    defaults: meanSquaredErrorDefaults,
    targets: 'dense',
    aliases: ['mse'],
  },
  {
    name: 'meanAbsoluteError',
    className: 'MeanAbsoluteError',
    fn: meanAbsoluteError,
    defaults: meanAbsoluteErrorDefaults,
    targets: 'dense',
    aliases: ['mae'],
  },
  { name: 'huber', className: 'Huber', fn: huber, defaults: huberDefaults, targets: 'dense' },
];

/**
 * The names of the built-in losses, as `getLoss` accepts them (snake_case such as
 * `'binary_crossentropy'` and class names such as `'BinaryCrossentropy'` are accepted too, and Keras's
 * `'mse'` and `'mae'`).
 *
 * @example
 * ```ts
 * import { lossNames } from '@neurite/losses';
 * console.log(lossNames.includes('huber')); // true
 * ```
 */
export const lossNames: readonly string[] = Object.freeze(builtins.map((b) => b.name));

// 'binaryCrossentropy', 'binary_crossentropy' and 'BinaryCrossentropy' all normalize to one key.
const key = (name: string) => name.replace(/_/g, '').toLowerCase();
const byKey = new Map<string, Builtin>();
for (const b of builtins) for (const n of [b.name, ...(b.aliases ?? [])]) byKey.set(key(n), b);

function lookup(name: string, received: string): Builtin {
  const found = byKey.get(key(name));
  if (found) return found;
  if (name.startsWith('custom:')) {
    throw new NeuriteError(
      `getLoss: ${show(name)} names a custom loss function (${show(name.slice(7))}), which is saved by name only ` +
        'and cannot be rebuilt from it. Compile with the function itself.',
    );
  }
  throw new NeuriteError(
    `getLoss: unknown loss ${show(name)}. Expected one of: ${lossNames.join(', ')} ` +
      `(or as snake_case, e.g. 'binary_crossentropy', or a class name, e.g. 'BinaryCrossentropy'). ` +
      `Received: ${received}. For a custom loss, pass a function (yTrue, yPred) => Tensor.`,
  );
}

/**
 * Turns what `model.compile({ loss })` is given into a `Loss`: a name, a saved `{ className, config }`,
 * a function `(yTrue, yPred) => Tensor`, or a `Loss` (returned as is). Config keys are the camelCase
 * options of the loss function; those left out take their defaults. A function keeps its own name as
 * className, an empty config and `custom: true`: it cannot be restored from JSON by name (even when it is
named like a built-in, e.g. \`mse\`, it is never taken for one); it takes `'dense'` targets
 * (build a `Loss` object with `targets` for another kind).
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { getLoss } from '@neurite/losses';
 * await useBackend('cpu');
 * const loss = getLoss({ className: 'BinaryCrossentropy', config: { fromLogits: true } });
 * console.log(loss.className, JSON.stringify(loss.config));
 * // BinaryCrossentropy {"fromLogits":true,"labelSmoothing":0,"reduction":"mean"}
 * const value = loss.call(tensor2d([[1]]), tensor2d([[0]])); // log(2)
 * console.log((await value.data())[0].toFixed(4)); // 0.6931
 * console.log(getLoss('sparse_categorical_crossentropy').className); // SparseCategoricalCrossentropy
 * ```
 */
export function getLoss(spec: LossSpec): Loss {
  if (typeof spec === 'function') {
    return {
      className: spec.name || 'customLoss',
      config: {},
      targets: 'dense',
      custom: true,
      call: (yTrue, yPred) => spec(yTrue, yPred),
    };
  }
  let builtin: Builtin;
  let config: unknown;
  if (typeof spec === 'string') {
    builtin = lookup(spec, show(spec));
  } else if (typeof spec === 'object' && spec !== null && typeof spec.className === 'string') {
    if ('call' in spec && typeof spec.call === 'function') return spec;
    builtin = lookup(spec.className, `className=${show(spec.className)}`);
    config = spec.config;
  } else {
    throw new NeuriteError(
      `getLoss: expected a loss name, a { className, config } object or a function (yTrue, yPred) => Tensor. ` +
        `Received: ${show(spec)}. Pass one of: ${lossNames.join(', ')}, or your own function.`,
    );
  }
  const resolved = resolveOptions(builtin.className, config, builtin.defaults) as Record<string, unknown>;
  return {
    className: builtin.className,
    targets: builtin.targets,
    config: { ...resolved }, // a copy: editing it must not bypass the checks above
    call: (yTrue, yPred) => builtin.fn(yTrue, yPred, resolved as never),
  };
}
