import { argMax, equal, greater, logicalAnd, NeuriteError, scalar, stack, type Tensor, tidy } from '@neurite/core';
import type { LossTargets } from '@neurite/losses';

/**
 * A metric as the training loop uses it: each batch yields [numerator, denominator] (summed over the
 * epoch on the host), and the value is numerator / denominator. That keeps epoch values exact for
 * ratios such as precision and recall, not an average of per-batch ratios.
 */
export interface Metric {
  /** The key in logs and history, e.g. 'accuracy'. */
  readonly name: string;
  /** Returns a [2] tensor: [numerator, denominator] for this batch. */
  counts(yTrue: Tensor, yPred: Tensor): Tensor;
}

function metric(name: string, counts: (yTrue: Tensor, yPred: Tensor) => Tensor): Metric {
  return { name, counts: (t, p) => tidy(() => counts(t, p)) };
}

const pair = (num: Tensor, den: number | Tensor) =>
  stack([num.toFloat().sum(), typeof den === 'number' ? scalar(den) : den.toFloat().sum()]);

/** Share of predictions p > threshold that match labels in {0, 1}. */
export function binaryAccuracy(threshold = 0.5): Metric {
  return metric('accuracy', (t, p) => pair(equal(greater(p, threshold).toFloat(), t.toFloat()).toFloat(), t.size));
}

/** Share of samples whose arg-max prediction matches the arg-max of one-hot labels. */
export const categoricalAccuracy: Metric = metric('accuracy', (t, p) =>
  pair(equal(argMax(t, -1), argMax(p, -1)).toFloat(), t.shape[0]),
);

/** Share of samples whose arg-max prediction equals the integer label. */
export const sparseCategoricalAccuracy: Metric = metric('accuracy', (t, p) =>
  pair(equal(t.reshape([-1]).toInt(), argMax(p, -1).reshape([-1])).toFloat(), p.shape[0]),
);

/** Of the samples predicted positive (p > threshold), the share that are positive. Binary labels. */
export function precision(threshold = 0.5): Metric {
  return metric('precision', (t, p) => {
    const predicted = greater(p, threshold);
    const tp = logicalAnd(predicted, greater(t, 0.5)).toFloat();
    return pair(tp, predicted.toFloat());
  });
}

/** Of the positive samples, the share predicted positive (p > threshold). Binary labels. */
export function recall(threshold = 0.5): Metric {
  return metric('recall', (t, p) => {
    const actual = greater(t, 0.5);
    const tp = logicalAnd(greater(p, threshold), actual).toFloat();
    return pair(tp, actual.toFloat());
  });
}

/** Mean of (yTrue - yPred)^2 over all elements. */
export const meanSquaredError: Metric = metric('meanSquaredError', (t, p) => pair(t.sub(p).square(), t.size));

/** Metric names accepted by compile(). 'accuracy' picks its kind from the loss. */
export const metricNames = [
  'accuracy',
  'binaryAccuracy',
  'categoricalAccuracy',
  'sparseCategoricalAccuracy',
  'precision',
  'recall',
  'meanSquaredError',
  'mse',
];

/** Resolves a metric name, using what targets the loss takes to choose what 'accuracy' means. */
export function getMetric(spec: string | Metric, targets: LossTargets = 'dense'): Metric {
  if (typeof spec !== 'string') return spec;
  switch (spec) {
    case 'accuracy':
    case 'acc':
      if (targets === 'sparse') return sparseCategoricalAccuracy;
      if (targets === 'oneHot') return categoricalAccuracy;
      return binaryAccuracy();
    case 'binaryAccuracy':
      return binaryAccuracy();
    case 'categoricalAccuracy':
      return categoricalAccuracy;
    case 'sparseCategoricalAccuracy':
      return sparseCategoricalAccuracy;
    case 'precision':
      return precision();
    case 'recall':
      return recall();
    case 'meanSquaredError':
    case 'mse':
      return meanSquaredError;
    default:
      throw new NeuriteError(
        `Unknown metric '${spec}'. Expected one of: ${metricNames.join(', ')}. Received: metrics: ['${spec}'].`,
      );
  }
}

/**
 * Counts of (true class, predicted class) pairs: `matrix[t][p]`. Labels are integer classes.
 *
 * @example
 * ```ts
 * import { confusionMatrix } from '@neurite/model';
 * console.log(confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3)); // [[1,0,0],[0,1,1],[0,0,1]]
 * ```
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  if (yTrue.length !== yPred.length) {
    throw new NeuriteError(
      `confusionMatrix: yTrue and yPred must have the same length. Received ${yTrue.length} and ${yPred.length}.`,
    );
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) {
      throw new NeuriteError(
        `confusionMatrix: labels must be integers in [0, ${numClasses}). Received yTrue[${i}]=${t}, yPred[${i}]=${p}.`,
      );
    }
    m[t][p]++;
  }
  return m;
}
