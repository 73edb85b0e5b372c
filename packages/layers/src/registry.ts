import { NeuriteError } from '@neurite/core';
import { Activation } from './activation.js';
import { Add } from './add.js';
import { Average } from './average.js';
import { AveragePooling1D } from './average_pooling1d.js';
import { AveragePooling2D } from './average_pooling2d.js';
import { BatchNormalization } from './batch_normalization.js';
import { Concatenate } from './concatenate.js';
import { Conv1D } from './conv1d.js';
import { Conv2D } from './conv2d.js';
import { Conv2DTranspose } from './conv2d_transpose.js';
import { Cropping2D } from './cropping2d.js';
import { Dense } from './dense.js';
import { DepthwiseConv2D } from './depthwise_conv2d.js';
import { Dot } from './dot.js';
import { Dropout } from './dropout.js';
import { ELU } from './elu.js';
import { Embedding } from './embedding.js';
import { Flatten } from './flatten.js';
import { GaussianNoise } from './gaussian_noise.js';
import { GlobalAveragePooling1D } from './global_average_pooling1d.js';
import { GlobalAveragePooling2D } from './global_average_pooling2d.js';
import { GlobalMaxPooling2D } from './global_max_pooling2d.js';
import type { Layer, LayerConfig } from './layer.js';
import { LayerNormalization } from './layer_normalization.js';
import { LeakyReLU } from './leaky_relu.js';
import { MaxPooling1D } from './max_pooling1d.js';
import { MaxPooling2D } from './max_pooling2d.js';
import { Maximum } from './maximum.js';
import { Minimum } from './minimum.js';
import { Multiply } from './multiply.js';
import { Permute } from './permute.js';
import { PReLU } from './prelu.js';
import { ReLU } from './relu.js';
import { RepeatVector } from './repeat_vector.js';
import { Rescaling } from './rescaling.js';
import { Reshape } from './reshape.js';
import { SeparableConv2D } from './separable_conv2d.js';
import { Softmax } from './softmax.js';
import { SpatialDropout2D } from './spatial_dropout2d.js';
import { Subtract } from './subtract.js';
import { UpSampling2D } from './up_sampling2d.js';
import { ZeroPadding2D } from './zero_padding2d.js';

/** A layer class the registry can rebuild from JSON: it has a static className and takes its config. */
export interface LayerClass {
  className: string;
  // biome-ignore lint/suspicious/noExplicitAny: each layer class takes its own config type.
  new (config: any): Layer;
}

/** A layer as saved: its registry key and its config. */
export interface SerializedLayer {
  /** `<package>><ClassName>`, e.g. 'neurite>Conv2D'; a bare class name is accepted when it is unambiguous. */
  className: string;
  config: LayerConfig & Record<string, unknown>;
}

/** Every layer that @neurite/layers ships, registered under the package name 'neurite'. */
export const builtinLayers: LayerClass[] = [
  Activation,
  Add,
  Average,
  Concatenate,
  Dot,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
  AveragePooling1D,
  AveragePooling2D,
  BatchNormalization,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GaussianNoise,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  LayerNormalization,
  LeakyReLU,
  MaxPooling1D,
  MaxPooling2D,
  Permute,
  PReLU,
  ReLU,
  RepeatVector,
  Rescaling,
  Reshape,
  SeparableConv2D,
  Softmax,
  SpatialDropout2D,
  UpSampling2D,
  ZeroPadding2D,
];

const byKey = new Map<string, LayerClass>(builtinLayers.map((c) => [`neurite>${c.className}`, c]));
const keyOf = new Map<LayerClass, string>(builtinLayers.map((c) => [c, `neurite>${c.className}`]));

/**
 * Registers layer classes under a package name, so that saved models using them can be loaded.
 * Keys are `<package>><ClassName>`; registering a key twice throws unless `{ override: true }`.
 *
 * @example
 * ```ts
 * import { type Tensor } from '@neurite/core';
 * import { Layer, registerLayers, registeredLayers } from '@neurite/layers';
 * class Twice extends Layer {
 *   static override className = 'Twice';
 *   override call(x: Tensor) { return x.mul(2); }
 * }
 * registerLayers([Twice], { package: 'my-layers' });
 * console.log(registeredLayers().includes('my-layers>Twice')); // true
 * ```
 */
export function registerLayers(list: LayerClass[], options: { package: string; override?: boolean }): void {
  const pkg = options?.package;
  if (typeof pkg !== 'string' || pkg === '' || pkg.includes('>')) {
    throw new NeuriteError(
      `registerLayers: options.package must be a non-empty name without '>', e.g. your npm package name. Received: ${JSON.stringify(pkg)}.`,
    );
  }
  for (const cls of list) {
    const own = Object.hasOwn(cls, 'className') ? cls.className : undefined;
    if (typeof own !== 'string' || own === '' || own === 'Layer') {
      throw new NeuriteError(
        `registerLayers: every layer class needs its own static className (minifiers rename classes). ` +
          `Received a class named '${cls.name}' with className ${JSON.stringify(own)}. Add: static override className = '${cls.name}';`,
      );
    }
    const key = `${pkg}>${own}`;
    if (byKey.has(key) && byKey.get(key) !== cls && !options.override) {
      throw new NeuriteError(`registerLayers: '${key}' is already registered. Pass { override: true } to replace it.`);
    }
    byKey.set(key, cls);
    keyOf.set(cls, key);
  }
}

/**
 * Every registered key, e.g. ['neurite>Conv2D', ..., 'my-layers>Twice'].
 *
 * @example
 * ```ts
 * import { registeredLayers } from '@neurite/layers';
 * console.log(registeredLayers().includes('neurite>Dense')); // true
 * ```
 */
export function registeredLayers(): string[] {
  return [...byKey.keys()].sort();
}

/**
 * The JSON form of a layer: `{ className: '<package>><ClassName>', config }`.
 *
 * @example
 * ```ts
 * import { Dense, serializeLayer } from '@neurite/layers';
 * console.log(serializeLayer(new Dense({ units: 4, name: 'out' })));
 * // { className: 'neurite>Dense', config: { units: 4, name: 'out', trainable: true } }
 * ```
 */
export function serializeLayer(layer: Layer): SerializedLayer {
  const cls = layer.constructor as LayerClass;
  const key = keyOf.get(cls);
  if (!key) {
    throw new NeuriteError(
      `serializeLayer: ${layer.className} '${layer.name}' is not registered, so a saved model could not load it. ` +
        `Call registerLayers([${cls.name}], { package: '<your package name>' }) first.`,
    );
  }
  return { className: key, config: JSON.parse(JSON.stringify(layer.getConfig())) };
}

/**
 * The JSON form of several layers (a model's), checking all of them first: a model with unregistered
 * classes gets one error naming every one, not the first.
 *
 * @example
 * ```ts
 * import { Dense, Flatten, serializeLayers } from '@neurite/layers';
 * console.log(serializeLayers([new Flatten(), new Dense({ units: 2 })]).map((l) => l.className));
 * // ['neurite>Flatten', 'neurite>Dense']
 * ```
 */
export function serializeLayers(layers: Layer[]): SerializedLayer[] {
  const missing = layers.filter((l) => !keyOf.has(l.constructor as LayerClass));
  if (missing.length > 0) {
    const classes = [...new Set(missing.map((l) => (l.constructor as LayerClass).name || l.className))];
    const listed = missing.map((l) => `${l.className} (layer '${l.name}')`).join(', ');
    throw new NeuriteError(
      `Cannot serialize: ${missing.length === 1 ? 'a layer class is' : `${missing.length} layers' classes are`} not registered, ` +
        `so a saved model could not load ${missing.length === 1 ? 'it' : 'them'}: ${listed}. ` +
        `Call registerLayers([${classes.join(', ')}], { package: '<your package name>' }) before saving, and in the ` +
        'program that loads the model before loading it (a plugin package does this in its register function).',
    );
  }
  return layers.map((l) => serializeLayer(l));
}

/**
 * Rebuilds a layer from `{ className, config }` through the registry.
 *
 * @example
 * ```ts
 * import { layerFromConfig } from '@neurite/layers';
 * const layer = layerFromConfig({ className: 'neurite>Dense', config: { units: 4 } });
 * console.log(layer.className); // 'Dense'
 * ```
 */
export function layerFromConfig(serialized: SerializedLayer): Layer {
  const { className, config } = serialized ?? ({} as SerializedLayer);
  let cls = byKey.get(className);
  if (!cls && typeof className === 'string' && !className.includes('>')) {
    const matches = [...byKey.entries()].filter(([k]) => k.endsWith(`>${className}`));
    if (matches.length > 1) {
      throw new NeuriteError(
        `layerFromConfig: '${className}' is registered by several packages: ${matches.map(([k]) => k).join(', ')}. ` +
          'Use the full key <package>><ClassName>.',
      );
    }
    cls = matches[0]?.[1];
  }
  if (!cls) {
    throw new NeuriteError(
      `Unknown layer '${className}'. Registered: ${registeredLayers().join(', ')}. ` +
        "If it comes from a plugin, import the plugin and call registerLayers([TheLayer], { package: '<plugin package>' }) before loading.",
    );
  }
  return new cls(config ?? {});
}
