// @neurite/model: graph models (the functional API) and Sequential stacks; training, metrics, callbacks,
// save/load, summary, activations.

export { input, SymbolicTensor } from '@neurite/layers';
export { MAX_NODES, modelFromJSON } from './architecture.js';
export {
  applyTemperature,
  calibrationReport,
  expectedCalibrationError,
  fitTemperature,
  MAX_TEMPERATURE,
  MIN_TEMPERATURE,
  negativeLogLikelihood,
} from './calibration.js';
export {
  type Callback,
  earlyStopping,
  type Logs,
  learningRateScheduler,
  modelCheckpoint,
  type ProgressEvent,
  progressReporter,
  type TrainingModel,
} from './callbacks.js';
export { DEFAULT_MAX_BYTES, MAX_MODEL_JSON_BYTES } from './format/layout.js';
export { loadModel } from './load.js';
export {
  binaryAccuracy,
  categoricalAccuracy,
  confusionMatrix,
  getMetric,
  type Metric,
  meanSquaredError,
  metricNames,
  precision,
  recall,
  sparseCategoricalAccuracy,
} from './metrics.js';
export {
  type ArchitectureJSON,
  type CompileOptions,
  type LayerActivation,
  Model,
  type ModelArgs,
  type ModelInput,
  type ModelNode,
  model,
  type NodeRef,
} from './model.js';
export { ModelLayer } from './nested.js';
export {
  type CheckedModel,
  checkModelJson,
  FORMAT_VERSION,
  fromArtifacts,
  type LoadLimits,
  type LoadOptions,
  type ModelJSON,
} from './read.js';
export { type SaveOptions, type SaveStep, saveModel } from './save.js';
export { Sequential, sequential } from './sequential.js';
export type { ModelSummary, SummaryRow } from './summary.js';
export type { Batch, BatchSource } from './tensor_set.js';
export type { FitOptions, History, TrainingPosition } from './training.js';
export { type ModelArtifacts, toArtifacts } from './write.js';
