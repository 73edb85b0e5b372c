import { cast, NeuriteError, oneHot, type Tensor, tidy } from '@neurite/core';
import { categoricalPerSample } from './categorical_crossentropy.js';
import { checkTensor, resolveOptions, shapeText } from './internal/checks.js';
import { reduce } from './internal/reduce.js';
import type { ReductionOptions } from './types.js';

/**
 * Options of `sparseCategoricalCrossentropy`.
 *
 * @example
 * ```ts
 * import { useBackend, tensor1d, tensor2d } from '@neurite/core';
 * import { type SparseCategoricalCrossentropyOptions, sparseCategoricalCrossentropy } from '@neurite/losses';
 * await useBackend('cpu');
 * const options: SparseCategoricalCrossentropyOptions = { fromLogits: true, reduction: 'sum' };
 * const loss = sparseCategoricalCrossentropy(tensor1d([0, 1], 'int32'), tensor2d([[0, 0], [0, 0]]), options);
 * // 2 log 2:
 * console.log((await loss.data())[0].toFixed(4)); // 1.3863
 * ```
 */
export interface SparseCategoricalCrossentropyOptions extends ReductionOptions {
  /** yPred holds logits (softmax is applied inside, stably) rather than probabilities; default false. */
  fromLogits?: boolean;
}

export const sparseCategoricalCrossentropyDefaults: Required<SparseCategoricalCrossentropyOptions> = {
  fromLogits: false,
  reduction: 'mean',
};

const name = 'sparseCategoricalCrossentropy';

/** yTrue holds one class index per sample: yPred's shape without its last axis, or with it as 1. */
function checkLabels(yTrue: unknown, yPred: unknown): void {
  checkTensor(name, 'yTrue', yTrue);
  checkTensor(name, 'yPred', yPred);
  const t = yTrue.shape;
  const p = yPred.shape;
  const prefix = p.slice(0, -1);
  const isPrefix = (s: readonly number[]) => s.length === prefix.length && s.every((d, i) => d === prefix[i]);
  if (p.length > 0 && (isPrefix(t) || (t.length === p.length && t[t.length - 1] === 1 && isPrefix(t.slice(0, -1))))) {
    return;
  }
  if (p.length === 0) {
    throw new NeuriteError(
      `${name}: yPred must have a last axis of class scores. Received: yPred []. ` +
        'Pass predictions of shape [batch, numClasses].',
    );
  }
  const numClasses = p[p.length - 1];
  let fix = `Pass one class index in [0, ${numClasses}) per sample.`;
  if (t.length === p.length && t.every((d, i) => d === p[i])) {
    fix = 'For one-hot targets, use categoricalCrossentropy.';
  } else if (yTrue.size === prefix.reduce((a, b) => a * b, 1)) {
    fix = `Reshape yTrue with yTrue.reshape(${shapeText(prefix)}).`;
  }
  throw new NeuriteError(
    `${name}: yTrue must hold one class index per sample. Expected: yTrue ${shapeText(prefix)} or ` +
      `${shapeText([...prefix, 1])} for yPred ${shapeText(p)}. Received: yTrue ${shapeText(t)}. ${fix}`,
  );
}

/**
 * Categorical cross-entropy with integer class labels: -log p[label] per sample, the same as
 * `categoricalCrossentropy` with the labels one-hot encoded. Labels may have any numeric dtype (floats
 * are truncated to integers); a label outside [0, numClasses) matches no class and contributes 0.
 *
 * @example
 * ```ts
 * import { useBackend, tensor1d, tensor2d } from '@neurite/core';
 * import { sparseCategoricalCrossentropy } from '@neurite/losses';
 * await useBackend('cpu');
 * const labels = tensor1d([1, 0], 'int32');
 * const yPred = tensor2d([[0.1, 0.8, 0.1], [0.5, 0.25, 0.25]]);
 * const loss = sparseCategoricalCrossentropy(labels, yPred); // mean of -log(0.8) and -log(0.5)
 * console.log((await loss.data())[0].toFixed(4)); // 0.4581
 * ```
 */
export function sparseCategoricalCrossentropy(
  yTrue: Tensor,
  yPred: Tensor,
  options?: SparseCategoricalCrossentropyOptions,
): Tensor {
  checkLabels(yTrue, yPred);
  const { fromLogits, reduction } = resolveOptions(name, options, sparseCategoricalCrossentropyDefaults);
  const numClasses = yPred.shape[yPred.rank - 1];
  return tidy(() => {
    const labels = yTrue.rank === yPred.rank ? yTrue.reshape(yTrue.shape.slice(0, -1)) : yTrue;
    // One-hot in int32, then cast: tfjs-backend-wasm 4.22's OneHot writes int32 bits whatever dtype is asked.
    const y = cast(oneHot(cast(labels, 'int32'), numClasses), 'float32');
    return reduce(categoricalPerSample(y, yPred, fromLogits), reduction);
  });
}
