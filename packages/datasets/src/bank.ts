import { NeuriteError, type Tensor, tensor2d } from '@neurite/core';
import { checkSeed, createRng } from './internal/prng.js';

/** The bank-transactions toy set: inputs (children, accounts) and the number of transactions. */
export interface BankTransactions {
  /** count x 2 values, row-major: [children, accounts] per customer. */
  x: Float32Array;
  /** count transactions, one per customer. */
  y: Float32Array;
  count: number;
  features: ['children', 'accounts'];
  /** x as [count, 2] and y as [count, 1] float32 tensors (the shapes a Dense({ units: 1 }) model fits). */
  toTensors(): { x: Tensor; y: Tensor };
}

const relu = (v: number): number => Math.max(v, 0);

/**
 * The course's forward-propagation example as a seeded data set. For each customer:
 *
 * - children: an integer in [0, 4], accounts: an integer in [1, 5] (uniform);
 * - transactions = 2 * relu(children + accounts) - relu(accounts - children) + noise,
 *   noise ~ uniform(-0.5, 0.5).
 *
 * That is the course's network (hidden nodes with weights [1, 1] and [-1, 1], ReLU; output weights
 * [2, -1]) plus noise, so a Dense(2, relu) -> Dense(1) model can learn it. The same seed gives the same
 * data; it uses its own generator and leaves setSeed()'s stream alone.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { bankTransactions } from '@neurite/datasets';
 * await useBackend('cpu');
 * const data = bankTransactions({ count: 4, seed: 7 });
 * console.log(data.features, data.x.length, data.y.length); // [ 'children', 'accounts' ] 8 4
 * const { x, y } = data.toTensors();
 * console.log(x.shape, y.shape); // [ 4, 2 ] [ 4, 1 ]
 * ```
 */
export function bankTransactions(options: { count?: number; seed?: number } = {}): BankTransactions {
  const { count = 100, seed = 0 } = options;
  if (!Number.isInteger(count) || count < 1) {
    throw new NeuriteError(`bankTransactions: count must be a positive integer. Received: ${count}.`);
  }
  const rng = createRng(checkSeed('bankTransactions', seed));
  const x = new Float32Array(count * 2);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const children = rng.int(5);
    const accounts = 1 + rng.int(5);
    const noise = rng.uniform(-0.5, 0.5);
    x[2 * i] = children;
    x[2 * i + 1] = accounts;
    y[i] = 2 * relu(children + accounts) - relu(accounts - children) + noise;
  }
  return {
    x,
    y,
    count,
    features: ['children', 'accounts'],
    toTensors: () => ({ x: tensor2d(x, [count, 2]), y: tensor2d(y, [count, 1]) }),
  };
}
