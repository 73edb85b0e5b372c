/**
 * The error every Neurite package throws for bad input or a bad setup. Its message always says what
 * failed, what was expected, what was received and how to fix it.
 *
 * @example
 * ```ts
 * import { NeuriteError } from '@neurite/core';
 * try {
 *   throw new NeuriteError('Dense: units must be a positive integer. Received: units=-3.');
 * } catch (e) {
 *   console.log(e instanceof NeuriteError); // true
 * }
 * ```
 */
export class NeuriteError extends Error {
  override name = 'NeuriteError';
}
