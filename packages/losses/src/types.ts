import type { Tensor } from '@neurite/core';

/**
 * How per-sample losses become the returned tensor: `'mean'` (the default) averages them to a scalar,
 * `'sum'` adds them up, `'none'` returns them as they are (shape `[batch]` for rank-2 inputs).
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { type Reduction, meanSquaredError } from '@neurite/losses';
 * await useBackend('cpu');
 * const reduction: Reduction = 'none';
 * const perSample = meanSquaredError(tensor2d([[0, 0], [1, 1]]), tensor2d([[1, 1], [1, 3]]), { reduction });
 * console.log(Array.from(await perSample.data())); // [ 1, 2 ]
 * ```
 */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * The option every loss takes.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { type ReductionOptions, meanAbsoluteError } from '@neurite/losses';
 * await useBackend('cpu');
 * const options: ReductionOptions = { reduction: 'sum' };
 * const loss = meanAbsoluteError(tensor2d([[0, 0], [1, 1]]), tensor2d([[1, 1], [1, 3]]), options);
 * console.log((await loss.data())[0]); // 2
 * ```
 */
export interface ReductionOptions {
  /** Default `'mean'`. */
  reduction?: Reduction;
}

/**
 * A loss as a plain function of targets and predictions, the form `getLoss` also accepts.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { type LossFunction, getLoss } from '@neurite/losses';
 * await useBackend('cpu');
 * const sumSquares: LossFunction = (yTrue, yPred) => yPred.sub(yTrue).square().sum();
 * const loss = getLoss(sumSquares).call(tensor2d([[0, 0]]), tensor2d([[1, 2]]));
 * console.log((await loss.data())[0]); // 5
 * ```
 */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * A loss as `model.compile` holds it: `{ className, config }` is JSON and round-trips through
 * `getLoss`; `call` computes it.
 *
 * @example
 * ```ts
 * import { useBackend, tensor2d } from '@neurite/core';
 * import { type Loss, getLoss } from '@neurite/losses';
 * await useBackend('cpu');
 * const loss: Loss = getLoss({ className: 'Huber', config: { delta: 0.5 } });
 * const saved = JSON.stringify({ className: loss.className, config: loss.config });
 * console.log(saved); // {"className":"Huber","config":{"delta":0.5,"reduction":"mean"}}
 * const value = getLoss(JSON.parse(saved)).call(tensor2d([[0]]), tensor2d([[2]]));
 * console.log((await value.data())[0]); // 0.875
 * ```
 */
/**
 * What targets a loss takes: `'sparse'` integer class labels of shape `[batch]`, `'oneHot'` one row per
 * sample shaped like the output (categorical cross-entropy), or `'dense'` values shaped like the output
 * (regression losses, binary cross-entropy). A model checks targets and picks what `'accuracy'` means
 * from this, never from the loss's name.
 *
 * @example
 * ```ts
 * import { getLoss, type LossTargets } from '@neurite/losses';
 * const targets: LossTargets | undefined = getLoss('sparseCategoricalCrossentropy').targets;
 * console.log(targets); // sparse
 * ```
 */
export type LossTargets = 'sparse' | 'oneHot' | 'dense';

export interface Loss {
  /** The class-style name, e.g. `'BinaryCrossentropy'`. */
  className: string;
  /** What targets it takes; a Loss without it takes `'dense'` targets. */
  targets?: LossTargets;
  /** Every option with its value, defaults included; JSON-able. */
  config: Record<string, unknown>;
  /**
   * True for a loss made from your own function: its className is only the function's name, so it
   * cannot be rebuilt from `{ className, config }` (workers refuse it; a save marks it `custom:<name>`).
   */
  custom?: boolean;
  call(yTrue: Tensor, yPred: Tensor): Tensor;
}

/**
 * What `getLoss` (and so `model.compile({ loss })`) accepts: a built-in loss's name in any of its forms,
 * a saved `{ className, config }`, a function, or a `Loss`.
 *
 * @example
 * ```ts
 * import { type LossSpec, getLoss } from '@neurite/losses';
 * const specs: LossSpec[] = ['mse', 'binary_crossentropy', { className: 'Huber', config: { delta: 2 } }];
 * console.log(specs.map((s) => getLoss(s).className).join(' ')); // MeanSquaredError BinaryCrossentropy Huber
 * ```
 */
export type LossSpec = string | { className: string; config?: Record<string, unknown> } | LossFunction | Loss;
