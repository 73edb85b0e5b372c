import * as tf from '#tfjs';

/** What is alive right now: tensors the engine tracks, and buffers the active backend holds. */
export interface LiveTensors {
  /** Tensors tracked by the engine (tf.memory().numTensors). */
  tensors: number;
  /** Data buffers held by the active backend, which also counts what a kernel forgot to free. */
  dataIds: number;
  /** Bytes held by tensors, as the engine counts them. */
  bytes: number;
}

/**
 * Counts live tensors, for leak tests: take it before and after, and compare.
 *
 * @example
 * ```ts
 * import { liveTensors, tidy, ones, useBackend } from '@neurite/core';
 * await useBackend('cpu');
 * const before = liveTensors();
 * tidy(() => {
 *   ones([4]).mul(2); // made and freed inside the scope (a tensor tidy returns would be kept)
 * });
 * console.log(liveTensors().tensors === before.tensors); // true
 * ```
 */
export function liveTensors(): LiveTensors {
  const m = tf.memory();
  return { tensors: m.numTensors, dataIds: tf.engine().backend.numDataIds(), bytes: m.numBytes };
}

/**
 * Runs `fn` and reports how many tensors and backend buffers it left alive. `fn` may be async.
 *
 * @example
 * ```ts
 * import { countLeaks, ones, useBackend } from '@neurite/core';
 * await useBackend('cpu');
 * const { leaked } = await countLeaks(() => { ones([2]); });
 * console.log(leaked.tensors); // 1
 * ```
 */
export async function countLeaks<T>(fn: () => T | Promise<T>): Promise<{ result: T; leaked: LiveTensors }> {
  const before = liveTensors();
  const result = await fn();
  const after = liveTensors();
  return {
    result,
    leaked: {
      tensors: after.tensors - before.tensors,
      dataIds: after.dataIds - before.dataIds,
      bytes: after.bytes - before.bytes,
    },
  };
}
