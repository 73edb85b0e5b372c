// Keras layer classes <-> Neurite's: which settings carry over, which are refused, and how a plugin adds
// its own. One table serves the reader (Keras config -> Neurite config) and the writer (the reverse).
import { NeuriteError } from '@neurite/core';
import { type KerasSettings, snake } from './settings.js';
import { readActivation, readInitializer, writeActivation, writeInitializer } from './values.js';

/** How one Keras layer class maps onto a Neurite layer class. */
export interface KerasLayerMapping {
  /** The Keras (and tfjs-layers) class name, e.g. 'Conv2D'. */
  keras: string;
  /** The Neurite layer's registry key, e.g. 'Conv2D', or 'my-plugin>NoisyDense' for a plugin's. */
  neurite: string;
  /** The Neurite config from the Keras one (name and trainable are added by the reader). */
  read(settings: KerasSettings): Record<string, unknown>;
  /**
   * The Keras config (camelCase keys: the writer snake-cases them) from the Neurite one; name and
   * trainable are added by the writer. Push to `problems` what Keras or tfjs-layers cannot express.
   * Without it the class is read only.
   */
  write?(config: Record<string, unknown>, problems: string[]): Record<string, unknown>;
  /**
   * Keras's names for the layer's weights where they are not Neurite's in snake_case, e.g.
   * `{ kernelMu: 'mu_kernel' }`. The file's names are `<layer>/<this name>`.
   */
  weights?: Record<string, string>;
}

/** The Keras name of a Neurite weight (`kernel`, `moving_mean`), as the class's mapping says. */
export function kerasWeightName(mapping: KerasLayerMapping | undefined, weight: string): string {
  return (
    (mapping?.weights && Object.hasOwn(mapping.weights, weight) ? mapping.weights[weight] : undefined) ?? snake(weight)
  );
}

// A setting copied as it is, or through the activation/initializer translation its name implies.
function readKeys(s: KerasSettings, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = k === 'activation' ? readActivation(s) : k.endsWith('Initializer') ? readInitializer(s, k) : s.get(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

// Neurite's defaults where Keras needs the value written (initializers, and keys Keras requires).
const INIT_DEFAULT: Record<string, string> = {
  kernelInitializer: 'glorotUniform',
  depthwiseInitializer: 'glorotUniform',
  pointwiseInitializer: 'glorotUniform',
  biasInitializer: 'zeros',
  gammaInitializer: 'ones',
  betaInitializer: 'zeros',
  embeddingsInitializer: 'randomUniform',
  alphaInitializer: 'zeros',
};

function writeKeys(c: Record<string, unknown>, keys: string[], problems: string[], who: string) {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = c[k];
    if (k === 'activation') {
      const a = writeActivation(v);
      if (a === undefined) {
        problems.push(
          `${who}: activation '${String(v)}' has no tfjs-layers name (use a ${v === 'leakyRelu' ? 'LeakyReLU' : 'separate'} layer)`,
        );
      }
      out[k] = a ?? 'linear';
    } else if (k.endsWith('Initializer')) {
      out[k] = writeInitializer(v, INIT_DEFAULT[k] ?? 'glorotUniform');
    } else if (v !== undefined) out[k] = v;
  }
  return out;
}

/** A class whose settings carry over key for key, with optional checks on read and defaults on write. */
function simple(
  keras: string,
  keys: string[],
  options: {
    neurite?: string;
    check?: (s: KerasSettings) => void;
    defaults?: Record<string, unknown>;
    refuse?: (c: Record<string, unknown>) => string | undefined;
  } = {},
): KerasLayerMapping {
  return {
    keras,
    neurite: options.neurite ?? keras,
    read(s) {
      options.check?.(s);
      return readKeys(s, keys);
    },
    write(c, problems) {
      const why = options.refuse?.(c);
      if (why) problems.push(`${keras} '${String(c.name)}': ${why}`);
      return { ...options.defaults, ...writeKeys(c, keys, problems, `${keras} '${String(c.name)}'`) };
    },
  };
}

const one = (v: unknown) => v === 1 || (Array.isArray(v) && v.every((d) => d === 1));
const conv = ['filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'useBias', 'activation'];
const groups = (s: KerasSettings) => s.require('groups', (v) => v === 1, 'groups=1');
const pool2d = ['poolSize', 'strides', 'padding'];

/** The mappings for every Neurite layer that has a Keras counterpart. */
export const builtinMappings: KerasLayerMapping[] = [
  simple('Dense', ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer'], {
    check: (s) => s.require('loraRank', (v) => v === 0, 'no LoRA'),
  }),
  simple('Conv1D', [...conv, 'kernelInitializer', 'biasInitializer'], { check: groups }),
  simple('Conv2D', [...conv, 'kernelInitializer', 'biasInitializer'], { check: groups }),
  simple(
    'Conv2DTranspose',
    ['filters', 'kernelSize', 'strides', 'padding', 'useBias', 'activation', 'kernelInitializer', 'biasInitializer'],
    {
      check: (s) => {
        s.require('outputPadding', () => false, 'no output_padding');
        s.require('dilationRate', one, 'dilation_rate=1');
      },
    },
  ),
  simple('DepthwiseConv2D', [
    'kernelSize',
    'strides',
    'padding',
    'depthMultiplier',
    'dilationRate',
    'useBias',
    'activation',
    'depthwiseInitializer',
    'biasInitializer',
  ]),
  simple('SeparableConv2D', [
    ...conv,
    'depthMultiplier',
    'depthwiseInitializer',
    'pointwiseInitializer',
    'biasInitializer',
  ]),
  simple('MaxPooling1D', pool2d),
  simple('AveragePooling1D', pool2d),
  simple('MaxPooling2D', pool2d),
  simple('AveragePooling2D', pool2d),
  simple('GlobalAveragePooling1D', ['keepdims'], {
    refuse: (c) => (c.keepdims ? 'keepdims=true has no tfjs-layers form' : undefined),
  }),
  simple('GlobalAveragePooling2D', ['keepdims'], {
    refuse: (c) => (c.keepdims ? 'keepdims=true has no tfjs-layers form' : undefined),
  }),
  simple('GlobalMaxPooling2D', ['keepdims'], {
    refuse: (c) => (c.keepdims ? 'keepdims=true has no tfjs-layers form' : undefined),
  }),
  simple('BatchNormalization', ['momentum', 'epsilon', 'center', 'scale', 'gammaInitializer', 'betaInitializer'], {
    check: (s) => {
      // Channels last: Keras 2's applications write axis=3 for images; the reader checks it is the last axis.
      s.require('axis', (v) => Number.isInteger(v) || (Array.isArray(v) && v.length === 1), 'the last axis');
      for (const k of ['renorm', 'synchronized']) s.require(k, (v) => v === false, `${k}=false`);
      s.require('virtualBatchSize', () => false, 'no virtual_batch_size');
      s.get('movingMeanInitializer');
      s.get('movingVarianceInitializer');
    },
    defaults: { axis: -1, momentum: 0.99, epsilon: 1e-3, center: true, scale: true },
  }),
  simple('LayerNormalization', ['epsilon', 'center', 'scale', 'gammaInitializer', 'betaInitializer'], {
    check: (s) => {
      // Like BatchNormalization: tfjs writes axis=[1] for a rank-2 input; the reader checks it is the last axis.
      s.require('axis', (v) => Number.isInteger(v) || (Array.isArray(v) && v.length === 1), 'the last axis');
      s.require('rmsScaling', (v) => v === false, 'rms_scaling=false');
    },
    defaults: { axis: -1, epsilon: 1e-3, center: true, scale: true },
  }),
  simple('Dropout', ['rate'], {
    check: (s) => {
      if (s.has('noiseShape')) s.note('noise_shape ignored: Neurite drops single values (only training differs).');
    },
  }),
  simple('SpatialDropout2D', ['rate']),
  simple('GaussianNoise', ['stddev']),
  simple('Activation', ['activation']),
  simple('ReLU', ['maxValue', 'negativeSlope', 'threshold']),
  {
    keras: 'LeakyReLU',
    neurite: 'LeakyReLU',
    // Keras 2 and tfjs call the slope alpha (default 0.3); Keras 3 negative_slope (same default).
    read: (s) => ({ alpha: s.get('negativeSlope', s.get('alpha', 0.3)) }),
    write: (c) => ({ alpha: c.alpha ?? 0.3 }),
  },
  simple('ELU', ['alpha'], { defaults: { alpha: 1 } }),
  simple('PReLU', ['alphaInitializer', 'sharedAxes']),
  simple('Softmax', ['axis'], { defaults: { axis: -1 } }),
  simple('Flatten', []),
  simple('Reshape', ['targetShape']),
  simple('Permute', ['dims']),
  simple('RepeatVector', ['n']),
  simple('ZeroPadding2D', ['padding'], { defaults: { padding: 1 } }),
  simple('Cropping2D', ['cropping'], { defaults: { cropping: 0 } }),
  simple('UpSampling2D', ['size', 'interpolation'], {
    check: (s) => {
      if (s.get('interpolation') === 'bilinear') {
        s.note(
          "UpSampling2D 'bilinear' uses half-pixel centers as Keras does; tfjs-layers 4.22 does not, so its numbers differ.",
        );
      }
    },
    defaults: { size: 2, interpolation: 'nearest' },
  }),
  simple('Concatenate', ['axis'], { defaults: { axis: -1 } }),
  simple('Dot', ['axes', 'normalize'], { defaults: { normalize: false } }),
  simple('Add', []),
  simple('Subtract', []),
  simple('Multiply', []),
  simple('Average', []),
  simple('Maximum', []),
  simple('Minimum', []),
  simple('Embedding', ['inputDim', 'outputDim', 'embeddingsInitializer'], {
    check: (s) => s.require('maskZero', (v) => v === false, 'mask_zero=false'),
  }),
  simple('Rescaling', ['scale', 'offset'], { defaults: { offset: 0 } }),
];

const byKeras = new Map<string, KerasLayerMapping>();
const byNeurite = new Map<string, KerasLayerMapping>();
for (const m of builtinMappings) {
  byKeras.set(m.keras, m);
  byNeurite.set(m.neurite, m);
}

/** The key a Neurite class name is looked up by: a built-in's bare name, a plugin's `<package>><Class>`. */
const neuriteKey = (className: string) => (className.startsWith('neurite>') ? className.slice(8) : className);

/**
 * Registers how a Keras layer class maps onto a Neurite layer (a plugin's, usually), so models using it
 * can be read from and written to the TensorFlow.js layers format. A later registration for the same
 * Keras class replaces the earlier one.
 *
 * @example
 * ```ts
 * import { registerKerasLayer } from '@neurite/interchange';
 * registerKerasLayer({
 *   keras: 'NoisyDense',
 *   neurite: '@neurite/layer-noisy-dense>NoisyDense',
 *   read: (s) => ({ units: s.get('units'), activation: s.get('activation', 'linear'), sigma0: s.get('sigma', 0.5) }),
 *   write: (c) => ({ units: c.units, activation: c.activation ?? 'linear', sigma: c.sigma0 ?? 0.5 }),
 *   weights: { kernelMu: 'mu_kernel', kernelSigma: 'sigma_kernel', biasMu: 'mu_bias', biasSigma: 'sigma_bias' },
 * });
 * ```
 */
export function registerKerasLayer(mapping: KerasLayerMapping): void {
  if (typeof mapping?.keras !== 'string' || typeof mapping.neurite !== 'string' || typeof mapping.read !== 'function') {
    throw new NeuriteError(
      'registerKerasLayer: expected { keras: <Keras class name>, neurite: <Neurite registry key>, read(settings), write?(config) }. ' +
        `Received: ${typeof mapping === 'object' ? Object.keys(mapping ?? {}).join(', ') : typeof mapping}.`,
    );
  }
  const w = mapping.weights;
  if (
    w !== undefined &&
    (typeof w !== 'object' || w === null || !Object.values(w).every((n) => typeof n === 'string' && n !== ''))
  ) {
    throw new NeuriteError(
      `registerKerasLayer(${mapping.keras}): weights must map Neurite weight names to Keras ones, e.g. { kernelMu: 'mu_kernel' }.`,
    );
  }
  byKeras.set(mapping.keras, mapping);
  byNeurite.set(neuriteKey(mapping.neurite), mapping);
}

/** The mapping for a Keras class, if any. */
export const mappingForKeras = (cls: string) => byKeras.get(cls);

/** The mapping for a Neurite class name (bare, `neurite>` or a plugin's key), if any. */
export const mappingForNeurite = (cls: string) => byNeurite.get(neuriteKey(cls));

/** Every Keras class the reader knows, sorted. */
export const kerasClasses = () => [...byKeras.keys()].sort();
