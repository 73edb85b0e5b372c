// tfjs's gradient functions, made safe to throw through. While tfjs records a gradient, every kernel
// keeps a copy of the tensors its gradient will need (the tape's `saved` tensors, kept out of every
// scope); the gradient computation frees them at its end. When the function being differentiated
// throws (a custom loss with a bug, shapes that do not match), or a gradient does, that end never
// comes and the copies leak: 8 tensors for two Dense layers, on every backend (tfjs 4.22). These
// wrappers free what the outermost gradient's tape kept when an error passes through, then rethrow.
import * as tf from '#tfjs';

type TapeState = { gradientDepth: number; activeTape?: { saved?: tf.Tensor[] }[] };

function guard<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    const state = tf.engine().state as unknown as TapeState;
    const outermost = state.gradientDepth === 0;
    try {
      // In a scope: what tfjs makes before one of its own checks throws (a value that is not a scalar,
      // a function that never reads the variables) is freed too; what fn returns is kept.
      return tf.tidy(() => fn(...args) as never) as R;
    } catch (e) {
      if (outermost) {
        for (const node of state.activeTape ?? []) {
          for (const t of node.saved ?? []) if (!t.isDisposed) t.dispose();
        }
        state.activeTape = [];
      }
      throw e;
    }
  };
}

/**
 * tfjs's `variableGrads(f, varList?)`: the value of `f()` and its gradient with respect to each
 * trainable variable (or those in `varList`). Unlike tfjs's, an error thrown inside `f` or in a
 * gradient leaves no tensor behind.
 *
 * @example
 * ```ts
 * import { liveTensors, scalar, useBackend, variable, variableGrads } from '@neurite/core';
 * await useBackend('cpu');
 * const w = variable(scalar(3));
 * const before = liveTensors().tensors;
 * try {
 *   variableGrads(() => {
 *     w.square();
 *     throw new Error('a bug in the loss');
 *   });
 * } catch {}
 * console.log(liveTensors().tensors - before); // 0
 * ```
 */
export const variableGrads: typeof tf.variableGrads = guard(tf.variableGrads);

/** tfjs's `valueAndGrads(f)`; the function it returns leaves no tensor behind when `f` throws. */
export const valueAndGrads: typeof tf.valueAndGrads = ((f: Parameters<typeof tf.valueAndGrads>[0]) =>
  guard(tf.valueAndGrads(f))) as typeof tf.valueAndGrads;

/** tfjs's `valueAndGrad(f)`; the function it returns leaves no tensor behind when `f` throws. */
export const valueAndGrad: typeof tf.valueAndGrad = ((f: Parameters<typeof tf.valueAndGrad>[0]) =>
  guard(tf.valueAndGrad(f))) as typeof tf.valueAndGrad;

/** tfjs's `grads(f)`; the function it returns leaves no tensor behind when `f` throws. */
export const grads: typeof tf.grads = ((f: Parameters<typeof tf.grads>[0]) => guard(tf.grads(f))) as typeof tf.grads;

/** tfjs's `grad(f)`; the function it returns leaves no tensor behind when `f` throws. */
export const grad: typeof tf.grad = ((f: Parameters<typeof tf.grad>[0]) => guard(tf.grad(f))) as typeof tf.grad;
