import { NeuriteError } from '@neurite/core';
import { inRange, nonNegative, positive, positiveInt, show } from './internal/validate.js';

/** A schedule as JSON: what `schedule.className` and `schedule.config` hold, and `scheduleFromConfig` reads. */
export interface ScheduleConfig {
  className: string;
  config: Record<string, unknown>;
}

/** A learning rate as a function of the step (the optimizer's `iterations`), carrying its own config. */
export interface Schedule extends ScheduleConfig {
  (step: number): number;
}

function make(className: string, config: Record<string, unknown>, fn: (step: number) => number): Schedule {
  return Object.assign((step: number) => fn(step), { className, config });
}

/**
 * `initialLearningRate * gamma ** floor(step / stepSize)`: the rate drops by `gamma` every `stepSize` steps.
 *
 * @example
 * ```ts
 * import { stepDecay } from '@neurite/optimizers';
 * const lr = stepDecay({ initialLearningRate: 0.1, stepSize: 10, gamma: 0.5 });
 * console.log(lr(0), lr(9), lr(10), lr(25)); // 0.1 0.1 0.05 0.025
 * ```
 */
export function stepDecay(options: { initialLearningRate: number; stepSize: number; gamma: number }): Schedule {
  const fix = 'Example: stepDecay({ initialLearningRate: 0.1, stepSize: 10, gamma: 0.5 }).';
  const lr0 = nonNegative('stepDecay', 'initialLearningRate', options?.initialLearningRate, fix);
  const stepSize = positiveInt('stepDecay', 'stepSize', options.stepSize, fix);
  const gamma = positive('stepDecay', 'gamma', options.gamma, fix);
  return make('StepDecay', { initialLearningRate: lr0, stepSize, gamma }, (step) => {
    return lr0 * gamma ** Math.floor(step / stepSize);
  });
}

/**
 * Keras's ExponentialDecay: `initialLearningRate * decayRate ** (step / decaySteps)`, with the exponent
 * floored when `staircase` is true (default false).
 *
 * @example
 * ```ts
 * import { exponentialDecay } from '@neurite/optimizers';
 * const lr = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
 * console.log(lr(0), lr(10), lr(20)); // 0.1 0.05 0.025
 * ```
 */
export function exponentialDecay(options: {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}): Schedule {
  const fix = 'Example: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96 }).';
  const lr0 = nonNegative('exponentialDecay', 'initialLearningRate', options?.initialLearningRate, fix);
  const decaySteps = positive('exponentialDecay', 'decaySteps', options.decaySteps, fix);
  const decayRate = positive('exponentialDecay', 'decayRate', options.decayRate, fix);
  const staircase = options.staircase ?? false;
  return make('ExponentialDecay', { initialLearningRate: lr0, decaySteps, decayRate, staircase }, (step) => {
    const p = step / decaySteps;
    return lr0 * decayRate ** (staircase ? Math.floor(p) : p);
  });
}

/**
 * Keras's CosineDecay: from `initialLearningRate` down to `alpha * initialLearningRate` along half a
 * cosine over `decaySteps` steps, then constant. `alpha` defaults to 0. With `warmupSteps` and
 * `warmupTarget` (as in Keras 3), the rate first rises linearly from `initialLearningRate` to
 * `warmupTarget` over `warmupSteps` steps, and the cosine then runs from `warmupTarget` over the
 * `decaySteps` steps after the warmup: a one-cycle schedule whose peak is exactly `warmupTarget`.
 *
 * @example
 * ```ts
 * import { cosineDecay } from '@neurite/optimizers';
 * const lr = cosineDecay({ initialLearningRate: 1, decaySteps: 10 });
 * console.log(lr(0), lr(5).toFixed(3), lr(10), lr(50)); // 1 0.500 0 0
 * const cycle = cosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupSteps: 4, warmupTarget: 1 });
 * console.log(cycle(2), cycle(4), cycle(9).toFixed(3), cycle(14)); // 0.5 1 0.500 0
 * ```
 */
export function cosineDecay(options: {
  initialLearningRate: number;
  decaySteps: number;
  alpha?: number;
  warmupSteps?: number;
  warmupTarget?: number;
}): Schedule {
  const fix = 'Example: cosineDecay({ initialLearningRate: 0.1, decaySteps: 1000, alpha: 0 }).';
  const lr0 = nonNegative('cosineDecay', 'initialLearningRate', options?.initialLearningRate, fix);
  const decaySteps = positive('cosineDecay', 'decaySteps', options.decaySteps, fix);
  const alpha = inRange('cosineDecay', 'alpha', options.alpha ?? 0, { lo: 0, hi: 1, hiOpen: false }, fix);
  if ((options.warmupSteps === undefined) !== (options.warmupTarget === undefined)) {
    throw new NeuriteError(
      `cosineDecay: warmupSteps and warmupTarget come together (the warmup's length and the rate it reaches). ` +
        `Received: warmupSteps=${show(options.warmupSteps)}, warmupTarget=${show(options.warmupTarget)}. ` +
        'Example: cosineDecay({ initialLearningRate: 0, decaySteps: 900, warmupSteps: 100, warmupTarget: 0.005 }).',
    );
  }
  if (options.warmupSteps === undefined) {
    return make('CosineDecay', { initialLearningRate: lr0, decaySteps, alpha }, (step) => {
      const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps));
      return lr0 * ((1 - alpha) * cosine + alpha);
    });
  }
  const warmupSteps = positiveInt('cosineDecay', 'warmupSteps', options.warmupSteps, fix);
  const target = nonNegative('cosineDecay', 'warmupTarget', options.warmupTarget, fix);
  const config = { initialLearningRate: lr0, decaySteps, alpha, warmupSteps, warmupTarget: target };
  return make('CosineDecay', config, (step) => {
    if (step < warmupSteps) return lr0 + ((target - lr0) * step) / warmupSteps;
    const t = Math.min(step - warmupSteps, decaySteps);
    return target * ((1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * t) / decaySteps)) + alpha);
  });
}

/**
 * A linear warmup: `step / warmupSteps * after(warmupSteps)` for `step < warmupSteps`, then `after(step)`,
 * so the rate rises from 0 and joins `after` without a jump. `after` is a number or another schedule.
 *
 * @example
 * ```ts
 * import { cosineDecay, warmup } from '@neurite/optimizers';
 * const lr = warmup({ warmupSteps: 4, after: 0.1 });
 * console.log(lr(0), lr(2), lr(4), lr(100)); // 0 0.05 0.1 0.1
 * const lr2 = warmup({ warmupSteps: 100, after: cosineDecay({ initialLearningRate: 0.1, decaySteps: 1000 }) });
 * console.log(lr2(50).toFixed(4), lr2(100).toFixed(4)); // 0.0488 0.0976
 * ```
 */
export function warmup(options: { warmupSteps: number; after: number | Schedule }): Schedule {
  const fix = 'Example: warmup({ warmupSteps: 100, after: 0.001 }).';
  const warmupSteps = positiveInt('warmup', 'warmupSteps', options?.warmupSteps, fix);
  const after = options.after;
  let afterFn: (step: number) => number;
  if (typeof after === 'function') afterFn = after;
  else {
    const value = nonNegative('warmup', 'after', after, fix);
    afterFn = () => value;
  }
  const afterConfig = typeof after === 'function' ? { className: after.className, config: after.config } : after;
  const peak = afterFn(warmupSteps);
  return make('Warmup', { warmupSteps, after: afterConfig }, (step) => {
    return step < warmupSteps ? (peak * step) / warmupSteps : afterFn(step);
  });
}

/**
 * Rebuilds a schedule from `{ className, config }` (a schedule itself, or its JSON).
 *
 * @example
 * ```ts
 * import { exponentialDecay, scheduleFromConfig } from '@neurite/optimizers';
 * const lr = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
 * const copy = scheduleFromConfig(JSON.parse(JSON.stringify({ className: lr.className, config: lr.config })));
 * console.log(copy(10)); // 0.05
 * ```
 */
export function scheduleFromConfig(spec: ScheduleConfig): Schedule {
  // Each factory validates its own options, so a config of the wrong shape gets the factory's message.
  const c = (spec?.config ?? {}) as never;
  switch (spec?.className) {
    case 'StepDecay':
      return stepDecay(c);
    case 'ExponentialDecay':
      return exponentialDecay(c);
    case 'CosineDecay':
      return cosineDecay(c);
    case 'Warmup': {
      const { warmupSteps, after } = c as { warmupSteps: number; after: number | ScheduleConfig };
      return warmup({ warmupSteps, after: typeof after === 'object' ? scheduleFromConfig(after) : after });
    }
    default:
      throw new NeuriteError(
        `scheduleFromConfig: unknown schedule className. Expected one of: StepDecay, ExponentialDecay, CosineDecay, ` +
          `Warmup. Received: className=${show(spec?.className)}. Pass the object a schedule's className and config came from.`,
      );
  }
}
