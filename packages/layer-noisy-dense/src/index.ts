// @neurite/layer-noisy-dense: a Neurite layer plugin. It uses only the public APIs of @neurite/core and
// @neurite/layers, and registers under its own package name.
import { registerLayers } from '@neurite/layers';
import { NoisyDense } from './noisy_dense.js';

export { NoisyDense, type NoisyDenseConfig } from './noisy_dense.js';

/** This plugin's registry package name: saved models refer to `@neurite/layer-noisy-dense>NoisyDense`. */
export const PACKAGE = '@neurite/layer-noisy-dense';

/** Every layer this plugin provides. */
export const layers = [NoisyDense];

/**
 * Registers this plugin's layers, so that models using them can be saved and loaded. Call it once
 * before loading a model; calling it again is harmless.
 *
 * @example
 * ```ts
 * import { registeredLayers } from '@neurite/layers';
 * import { registerNoisyDense } from '@neurite/layer-noisy-dense';
 * registerNoisyDense();
 * console.log(registeredLayers().includes('@neurite/layer-noisy-dense>NoisyDense')); // true
 * ```
 */
export function registerNoisyDense(): void {
  registerLayers(layers, { package: PACKAGE, override: true });
}
