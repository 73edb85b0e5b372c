// @neurite/layers: the Layer base, built-in layers, activations, initializers and the layer registry.
import { assertSingleCopy } from '@neurite/core';

export { Activation, type ActivationConfig } from './activation.js';
export {
  type Activation as ActivationFunction,
  type ActivationName,
  activations,
  eluActivation as elu,
  gelu,
  getActivation,
  leakyReluActivation as leakyRelu,
  leakyReluWith,
  linear,
  reluActivation as relu,
  sigmoidActivation as sigmoid,
  softmaxActivation as softmax,
  softplusActivation as softplus,
  swish,
  tanhActivation as tanh,
} from './activations.js';
export { Add } from './add.js';
export { Average } from './average.js';
export { AveragePooling2D, type AveragePooling2DConfig } from './average_pooling2d.js';
export { BatchNormalization, type BatchNormalizationConfig } from './batch_normalization.js';
export { Concatenate, type ConcatenateConfig } from './concatenate.js';
export { Conv2D, type Conv2DConfig } from './conv2d.js';
export { Dense, type DenseConfig } from './dense.js';
export { Dot, type DotConfig } from './dot.js';
export { Dropout, type DropoutConfig } from './dropout.js';
export { Flatten } from './flatten.js';
export { GlobalAveragePooling2D } from './global_average_pooling2d.js';
export {
  fans,
  getInitializer,
  type Initializer,
  type InitializerName,
  type InitializerSpec,
  serializeInitializer,
} from './initializers.js';
export {
  type CallOptions,
  Layer,
  type LayerConfig,
  type LayerWeight,
  type PlannedWeight,
  type Shape,
  withInitialValues,
} from './layer.js';
export { LayerNormalization, type LayerNormalizationConfig } from './layer_normalization.js';
export { MaxPooling2D, type MaxPooling2DConfig } from './max_pooling2d.js';
export { Maximum } from './maximum.js';
export { Minimum } from './minimum.js';
export { Multiply } from './multiply.js';
export {
  builtinLayers,
  type LayerClass,
  layerFromConfig,
  registeredLayers,
  registerLayers,
  type SerializedLayer,
  serializeLayer,
  serializeLayers,
} from './registry.js';
export { Reshape, type ReshapeConfig } from './reshape.js';
export { Subtract } from './subtract.js';
export { type GraphNode, input, isSymbolic, SymbolicTensor } from './symbolic.js';

// A second copy of this package (and so of its registry) in the process refuses to load.
assertSingleCopy('@neurite/layers', import.meta.url);
