// @neurite/interchange: models in and out of Neurite. The TensorFlow.js layers format (read: tfjs's
// model.save(), Keras 2 and Keras 3 through tensorflowjs_converter; write: the Keras 2 dialect tfjs
// reads) and ONNX export.

export { exportOnnx, ONNX_OPSETS, type OnnxExportOptions, onnxLayers } from './onnx/export.js';
export {
  builtinMappings,
  type KerasLayerMapping,
  kerasClasses,
  registerKerasLayer,
} from './tfjs_layers/mapping.js';
export {
  DEFAULT_MAX_WEIGHT_BYTES,
  type LayersModelPlan,
  type LayersModelReading,
  layersModelInputs,
  planLayersModel,
  type ReadOptions,
  readLayersModel,
} from './tfjs_layers/read.js';
export { KerasSettings } from './tfjs_layers/settings.js';
export { type LayersModelFiles, WEIGHTS_FILE, type WriteOptions, writeLayersModel } from './tfjs_layers/write.js';
