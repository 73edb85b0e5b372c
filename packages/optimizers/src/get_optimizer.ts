import { NeuriteError } from '@neurite/core';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { show } from './internal/validate.js';
import { Optimizer, type OptimizerConfig } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** An optimizer class as `getOptimizer` sees it: a className and a constructor taking a config. */
export interface OptimizerClass {
  className: string;
  new (config?: OptimizerConfig): Optimizer;
}

/** The built-in optimizers, by class. */
export const builtinOptimizers: readonly OptimizerClass[] = [SGD, Adam, AdamW, RMSprop, Adagrad];

/** An optimizer, its name ('adam', case-insensitive) or its `{ className, config }`. */
export type OptimizerSpec = string | Optimizer | { className: string; config?: Partial<OptimizerConfig> };

function find(name: unknown, what: string): OptimizerClass {
  const cls =
    typeof name === 'string' ? builtinOptimizers.find((c) => c.className.toLowerCase() === name.toLowerCase()) : null;
  if (!cls) {
    throw new NeuriteError(
      `getOptimizer: unknown optimizer. Expected one of: ${builtinOptimizers.map((c) => c.className.toLowerCase()).join(', ')} ` +
        `(any case). Received: ${what}=${show(name)}. Pass one of those names, an Optimizer, or { className, config }.`,
    );
  }
  return cls;
}

/**
 * Resolves an optimizer spec: a name gets that optimizer with its defaults, `{ className, config }` is
 * rebuilt, and an Optimizer is returned as is.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Adam, getOptimizer } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const opt = getOptimizer('adam');
 * console.log(opt instanceof Adam, opt.currentLearningRate()); // true 0.001
 * const fast = getOptimizer({ className: 'SGD', config: { learningRate: 0.1, momentum: 0.9 } });
 * console.log(fast.getConfig()); // { learningRate: 0.1, momentum: 0.9, nesterov: false }
 * ```
 */
export function getOptimizer(spec: OptimizerSpec): Optimizer {
  if (spec instanceof Optimizer) return spec;
  if (typeof spec === 'string') return new (find(spec, 'name'))();
  if (spec !== null && typeof spec === 'object') {
    const cls = find(spec.className, 'className');
    return new cls((spec.config ?? {}) as OptimizerConfig);
  }
  return find(spec, 'spec') as never;
}

/**
 * Rebuilds an optimizer from `{ className: opt.constructor.className, config: opt.getConfig() }`, e.g.
 * after a JSON round trip. Its slots are not part of the config: restore them with `setState()`.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Adam, exponentialDecay, optimizerFromConfig } from '@neurite/optimizers';
 * await useBackend('cpu');
 * const lr = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
 * const opt = new Adam({ learningRate: lr, beta1: 0.8 });
 * const json = JSON.stringify({ className: Adam.className, config: opt.getConfig() });
 * const copy = optimizerFromConfig(JSON.parse(json));
 * console.log(copy instanceof Adam, JSON.stringify(copy.getConfig()) === JSON.stringify(opt.getConfig())); // true true
 * ```
 */
export function optimizerFromConfig(spec: { className: string; config: OptimizerConfig }): Optimizer {
  return new (find(spec?.className, 'className'))(spec.config);
}
