// @neurite/model: Sequential models, training, metrics, callbacks, save/load, summary, activations.
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
export type { Batch, BatchSource } from './data.js';
export { DEFAULT_MAX_BYTES, MAX_MODEL_JSON_BYTES } from './format/layout.js';
export {
  type CheckedModel,
  checkModelJson,
  FORMAT_VERSION,
  fromArtifacts,
  type LoadLimits,
  type LoadOptions,
  type ModelJSON,
  toArtifacts,
} from './io.js';
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
export { loadModel, type SaveOptions, type SaveStep, saveModel } from './node_io.js';
export { type CompileOptions, type LayerActivation, Sequential, sequential } from './sequential.js';
export type { ModelSummary, SummaryRow } from './summary.js';
export type { FitOptions, History, TrainingPosition } from './training.js';
