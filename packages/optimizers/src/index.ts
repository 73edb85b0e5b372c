// @neurite/optimizers: SGD, Adam, AdamW, RMSprop, Adagrad on core's ops, learning-rate schedules,
// gradient clipping and state save/restore.
export { Adagrad, type AdagradOptions, adagrad } from './adagrad.js';
export { Adam, type AdamOptions, adam } from './adam.js';
export { AdamW, type AdamWOptions, adamw } from './adamw.js';
export {
  builtinOptimizers,
  getOptimizer,
  type OptimizerClass,
  type OptimizerSpec,
  optimizerFromConfig,
} from './get_optimizer.js';
export {
  type GradientPair,
  type Gradients,
  Optimizer,
  type OptimizerConfig,
  type OptimizerOptions,
  type OptimizerState,
  type SlotState,
} from './optimizer.js';
export { RMSprop, type RMSpropOptions, rmsprop } from './rmsprop.js';
export {
  cosineDecay,
  exponentialDecay,
  type Schedule,
  type ScheduleConfig,
  scheduleFromConfig,
  stepDecay,
  warmup,
} from './schedules.js';
export { SGD, type SGDOptions, sgd } from './sgd.js';
