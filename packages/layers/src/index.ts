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
export { AveragePooling1D, type AveragePooling1DConfig } from './average_pooling1d.js';
export { AveragePooling2D, type AveragePooling2DConfig } from './average_pooling2d.js';
export { BatchNormalization, type BatchNormalizationConfig } from './batch_normalization.js';
export { Concatenate, type ConcatenateConfig } from './concatenate.js';
export { Conv1D, type Conv1DConfig } from './conv1d.js';
export { Conv2D, type Conv2DConfig } from './conv2d.js';
export { Conv2DTranspose, type Conv2DTransposeConfig } from './conv2d_transpose.js';
export { Cropping2D, type Cropping2DConfig } from './cropping2d.js';
export { Dense, type DenseConfig } from './dense.js';
export { DepthwiseConv2D, type DepthwiseConv2DConfig } from './depthwise_conv2d.js';
export { Dot, type DotConfig } from './dot.js';
export { Dropout, type DropoutConfig } from './dropout.js';
export { ELU, type ELUConfig } from './elu.js';
export { Embedding, type EmbeddingConfig } from './embedding.js';
export { Flatten } from './flatten.js';
export { GaussianNoise, type GaussianNoiseConfig } from './gaussian_noise.js';
export { GlobalAveragePooling1D, type GlobalAveragePooling1DConfig } from './global_average_pooling1d.js';
export { GlobalAveragePooling2D } from './global_average_pooling2d.js';
export { GlobalMaxPooling2D, type GlobalMaxPooling2DConfig } from './global_max_pooling2d.js';
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
export { LeakyReLU, type LeakyReLUConfig } from './leaky_relu.js';
export { MaxPooling1D, type MaxPooling1DConfig } from './max_pooling1d.js';
export { MaxPooling2D, type MaxPooling2DConfig } from './max_pooling2d.js';
export { Maximum } from './maximum.js';
export { Minimum } from './minimum.js';
export { Multiply } from './multiply.js';
export { Permute, type PermuteConfig } from './permute.js';
export { PReLU, type PReLUConfig } from './prelu.js';
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
export { ReLU, type ReLUConfig } from './relu.js';
export { RepeatVector, type RepeatVectorConfig } from './repeat_vector.js';
export { Rescaling, type RescalingConfig } from './rescaling.js';
export { Reshape, type ReshapeConfig } from './reshape.js';
export { SeparableConv2D, type SeparableConv2DConfig } from './separable_conv2d.js';
export { Softmax, type SoftmaxConfig } from './softmax.js';
export { SpatialDropout2D, type SpatialDropout2DConfig } from './spatial_dropout2d.js';
export { Subtract } from './subtract.js';
export { type GraphNode, input, isSymbolic, SymbolicTensor } from './symbolic.js';
export { UpSampling2D, type UpSampling2DConfig } from './up_sampling2d.js';
export { type Padding2D, ZeroPadding2D, type ZeroPadding2DConfig } from './zero_padding2d.js';

// A second copy of this package (and so of its registry) in the process refuses to load.
assertSingleCopy('@neurite/layers', import.meta.url);
