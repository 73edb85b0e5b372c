// Activations and initializers between Keras's spelling and Neurite's.
import { type KerasSettings, show, snake } from './settings.js';

// Keras (and tfjs) activation names -> Neurite's. Keras 3 writes 'leaky_relu' (slope 0.2, Neurite's default
// for the activation too) and 'silu' for swish.
const ACTIVATIONS: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  elu: 'elu',
  softplus: 'softplus',
  gelu: 'gelu',
  swish: 'swish',
  silu: 'swish',
  leaky_relu: 'leakyRelu',
  leakyRelu: 'leakyRelu',
};

// Neurite's -> the name tfjs-layers 4.22 and Keras 2 both read. tfjs has no leaky-ReLU activation.
const WRITTEN: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  elu: 'elu',
  softplus: 'softplus',
  gelu: 'gelu',
  swish: 'swish',
};

/** Reads an activation setting (a name, or Keras 3's `{ class_name, config }` form) as Neurite's name. */
export function readActivation(s: KerasSettings, key = 'activation'): string | undefined {
  if (!s.has(key)) return undefined;
  let v = s.get<unknown>(key);
  // Keras 3 may serialise a built-in activation as an object naming it.
  if (typeof v === 'object' && v !== null && typeof (v as { config?: unknown }).config === 'string') {
    v = (v as { config: string }).config;
  }
  const name = typeof v === 'string' && Object.hasOwn(ACTIVATIONS, v) ? ACTIVATIONS[v] : undefined;
  if (name === undefined) s.problem(key, `the activations ${Object.keys(ACTIVATIONS).join(', ')}`);
  return name;
}

/** Neurite's activation name as Keras writes it; undefined when tfjs-layers cannot read it. */
export function writeActivation(name: unknown): string | undefined {
  if (typeof name === 'string') return Object.hasOwn(WRITTEN, name) ? WRITTEN[name] : undefined;
  return name === undefined || name === null ? 'linear' : undefined;
}

type Init = string | { className: string; config: Record<string, number> };

/**
 * Reads an initializer (`{ class_name, config }`, or a name such as 'glorot_uniform') as Neurite's spec.
 * Initializers only matter to a model trained again from scratch; one Neurite lacks is noted and left
 * to the layer's default.
 */
export function readInitializer(s: KerasSettings, key: string): Init | undefined {
  if (!s.has(key)) return undefined;
  const v = s.get<unknown>(key);
  const raw = typeof v === 'string' ? { class_name: v, config: {} } : (v as Record<string, unknown>);
  const cls = String(raw?.class_name ?? raw?.className ?? '');
  const c = (raw?.config ?? {}) as Record<string, unknown>;
  const num = (k: string, d: number) => (typeof c[k] === 'number' ? (c[k] as number) : d);
  const plain = cls.replace(/_/g, '').toLowerCase();
  const named: Record<string, string> = {
    zeros: 'zeros',
    ones: 'ones',
    glorotuniform: 'glorotUniform',
    glorotnormal: 'glorotNormal',
    heuniform: 'heUniform',
    henormal: 'heNormal',
    lecunnormal: 'lecunNormal',
  };
  if (Object.hasOwn(named, plain)) return named[plain];
  if (plain === 'constant') return { className: 'constant', config: { value: num('value', 0) } };
  if (plain === 'randomnormal') {
    return { className: 'randomNormal', config: { mean: num('mean', 0), stddev: num('stddev', 0.05) } };
  }
  if (plain === 'truncatednormal') {
    return { className: 'truncatedNormal', config: { mean: num('mean', 0), stddev: num('stddev', 0.05) } };
  }
  if (plain === 'randomuniform') {
    return { className: 'randomUniform', config: { minval: num('minval', -0.05), maxval: num('maxval', 0.05) } };
  }
  if (plain === 'variancescaling') {
    const scale = num('scale', 1);
    const mode = String(c.mode ?? 'fan_in')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toLowerCase();
    const dist = String(c.distribution ?? 'truncated_normal')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toLowerCase();
    const normal = dist === 'normal' || dist === 'truncated_normal';
    if (scale === 1 && mode === 'fan_avg') return normal ? 'glorotNormal' : 'glorotUniform';
    if (scale === 2 && mode === 'fan_in') return normal ? 'heNormal' : 'heUniform';
    if (scale === 1 && mode === 'fan_in' && normal) return 'lecunNormal';
  }
  s.note(
    `${snake(key)} ${show(v)} has no Neurite equivalent; the layer's default is used (it only matters when training from scratch).`,
  );
  return undefined;
}

const WRITTEN_INIT: Record<string, string> = {
  zeros: 'Zeros',
  ones: 'Ones',
  constant: 'Constant',
  randomNormal: 'RandomNormal',
  randomUniform: 'RandomUniform',
  truncatedNormal: 'TruncatedNormal',
  glorotUniform: 'GlorotUniform',
  glorotNormal: 'GlorotNormal',
  heUniform: 'HeUniform',
  heNormal: 'HeNormal',
};

/** Neurite's initializer spec as Keras's `{ class_name, config }`; the fallback when none was set. */
export function writeInitializer(
  spec: unknown,
  fallback: string,
): { class_name: string; config: Record<string, unknown> } {
  const { className, config } =
    typeof spec === 'string'
      ? { className: spec, config: {} }
      : typeof spec === 'object' && spec !== null
        ? (spec as { className: string; config?: Record<string, unknown> })
        : { className: fallback, config: {} };
  // tfjs names it LeCunNormal, Keras LecunNormal: the variance-scaling form both read.
  if (className === 'lecunNormal') {
    return { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_in', distribution: 'normal', seed: null } };
  }
  const own = (k: string) => (Object.hasOwn(WRITTEN_INIT, k) ? WRITTEN_INIT[k] : undefined);
  const cls = own(className) ?? own(fallback) ?? 'GlorotUniform';
  const out: Record<string, unknown> = { ...(config ?? {}) };
  if (cls !== 'Zeros' && cls !== 'Ones' && cls !== 'Constant') out.seed = null;
  return { class_name: cls, config: out };
}
