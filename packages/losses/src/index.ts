export { type BinaryCrossentropyOptions, binaryCrossentropy } from './binary_crossentropy.js';
export { type CategoricalCrossentropyOptions, categoricalCrossentropy } from './categorical_crossentropy.js';
export { getLoss, lossNames } from './get_loss.js';
export { type HuberOptions, huber } from './huber.js';
export { meanAbsoluteError } from './mean_absolute_error.js';
export { meanSquaredError } from './mean_squared_error.js';
export {
  type SparseCategoricalCrossentropyOptions,
  sparseCategoricalCrossentropy,
} from './sparse_categorical_crossentropy.js';
export type { Loss, LossFunction, LossSpec, LossTargets, Reduction, ReductionOptions } from './types.js';
