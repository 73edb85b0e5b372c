// The playground's settings, and their form in the page's URL (#dataset=xor&layers=4,2&...), so that a
// link restores them. Everything read from a URL is untrusted: each value is checked, clamped or
// replaced by its default, and every change is described in a message the page shows.

export const DATASETS = ['circle', 'xor', 'spiral', 'gauss'] as const;
export const ACTIVATIONS = ['tanh', 'relu', 'leakyRelu', 'sigmoid', 'linear'] as const;
export const REGULARIZERS = ['none', 'l1', 'l2'] as const;
/** The inputs the first layer can see, computed from a point (x1, x2). */
export const FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;

export type Dataset = (typeof DATASETS)[number];
export type ActivationChoice = (typeof ACTIVATIONS)[number];
export type Regularizer = (typeof REGULARIZERS)[number];
export type Feature = (typeof FEATURES)[number];

export interface State {
  dataset: Dataset;
  /** Percent, 0 to 50. */
  noise: number;
  seed: number;
  /** Units per hidden layer; the sigmoid output unit is not listed. */
  layers: number[];
  activation: ActivationChoice;
  learningRate: number;
  batchSize: number;
  regularizer: Regularizer;
  regularizationRate: number;
  features: Feature[];
}

export const LIMITS = {
  noise: [0, 50],
  seed: [0, 99999],
  hiddenLayers: 6,
  units: [1, 8],
  learningRate: [0.00001, 10],
  /** Up to the whole training set: 200 points. */
  batchSize: [1, 200],
  regularizationRate: [0, 1],
  /** Longer settings are refused whole: the state of every setting fits in about 200 characters. */
  hashLength: 2000,
} as const;

export const DEFAULTS: State = {
  dataset: 'circle',
  noise: 0,
  seed: 1,
  layers: [4, 2],
  activation: 'tanh',
  learningRate: 0.03,
  batchSize: 10,
  regularizer: 'none',
  regularizationRate: 0,
  features: ['x1', 'x2'],
};

/** The URL keys, in the order toHash writes them. */
const KEYS = ['dataset', 'noise', 'seed', 'layers', 'activation', 'lr', 'batch', 'reg', 'rate', 'features'] as const;

export function copyState(s: State): State {
  return { ...s, layers: [...s.layers], features: [...s.features] };
}

/** The hash that restores `s` (without the leading '#'). Every value is from a checked list or a number. */
export function toHash(s: State): string {
  const parts = [
    `dataset=${s.dataset}`,
    `noise=${s.noise}`,
    `seed=${s.seed}`,
    `layers=${s.layers.join(',')}`,
    `activation=${s.activation}`,
    `lr=${s.learningRate}`,
    `batch=${s.batchSize}`,
    `reg=${s.regularizer}`,
    `rate=${s.regularizationRate}`,
    `features=${s.features.join(',')}`,
  ];
  return parts.join('&');
}

/** A received value as a message shows it: quoted, and cut short when long. */
export function shown(v: string): string {
  return `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`;
}

/** Parses a number, or NaN for an empty or non-numeric string (Number('') is 0). */
function numeric(v: string): number {
  return v.trim() === '' ? Number.NaN : Number(v);
}

/**
 * Checks one number against [lo, hi]: a value outside is clamped to the range, one that is not a number
 * (or not whole, or not above 0 where `positive`) gives `fallback`. Either way a message goes to `notes`.
 */
export function checkNumber(
  name: string,
  raw: string,
  [lo, hi]: readonly [number, number],
  fallback: number,
  notes: string[],
  options: { integer?: boolean; positive?: boolean } = {},
): number {
  const v = numeric(raw);
  const expected = `${options.integer ? 'a whole number' : 'a number'} from ${lo} to ${hi}`;
  if (!Number.isFinite(v) || (options.positive && v <= 0) || (options.integer && !Number.isInteger(v))) {
    notes.push(`${name}: expected ${expected}; received ${shown(raw)}, so ${fallback} is used.`);
    return fallback;
  }
  if (v < lo || v > hi) {
    const clamped = Math.min(hi, Math.max(lo, v));
    notes.push(`${name}: expected ${expected}; received ${shown(raw)}, so ${clamped} is used.`);
    return clamped;
  }
  return v;
}

function pick<T extends string>(name: string, raw: string, list: readonly T[], fallback: T, notes: string[]): T {
  if ((list as readonly string[]).includes(raw)) return raw as T;
  notes.push(`${name}: expected one of ${list.join(', ')}; received ${shown(raw)}, so ${fallback} is used.`);
  return fallback;
}

/** Units per hidden layer from '4,2' ('' is no hidden layer): at most 6 layers of 1 to 8 units (4 for a bad one). */
export function parseLayers(raw: string, notes: string[]): number[] {
  if (raw === '') return [];
  let items = raw.split(',');
  if (items.length > LIMITS.hiddenLayers) {
    notes.push(
      `layers: expected at most ${LIMITS.hiddenLayers} hidden layers; received ${items.length}, so the first ${LIMITS.hiddenLayers} are used.`,
    );
    items = items.slice(0, LIMITS.hiddenLayers);
  }
  return items.map((item, i) =>
    checkNumber(`layers (layer ${i + 1})`, item, LIMITS.units, 4, notes, { integer: true }),
  );
}

function parseFeatures(raw: string, notes: string[]): Feature[] {
  const names = raw.split(',').slice(0, 20);
  const unknown = names.filter((n) => !(FEATURES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    notes.push(
      `features: expected names from ${FEATURES.join(', ')}; received ${unknown.slice(0, 5).map(shown).join(', ')}, which are left out.`,
    );
  }
  const known = FEATURES.filter((f) => names.includes(f));
  if (known.length === 0) {
    notes.push('features: at least one input is needed, so x1 and x2 are used.');
    return [...DEFAULTS.features];
  }
  return known;
}

/**
 * The state a hash describes, and what was wrong with it. A hash without '=' is a heading's anchor and
 * leaves the defaults; a hash longer than LIMITS.hashLength is refused whole.
 */
export function parseHash(hash: string): { state: State; notes: string[] } {
  const state = copyState(DEFAULTS);
  const notes: string[] = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text.length > LIMITS.hashLength) {
    notes.push(
      `The link's settings are ${text.length} characters long; at most ${LIMITS.hashLength} are read, so the defaults are used. ` +
        'Copy the address again after changing a setting.',
    );
    return { state, notes };
  }
  if (!text.includes('=')) return { state, notes };
  // URLSearchParams decodes leniently: a malformed %-escape stays as it is instead of throwing.
  const params = new URLSearchParams(text);
  const unknown = [...new Set(params.keys())].filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    notes.push(`Unknown settings ignored: ${unknown.slice(0, 5).map(shown).join(', ')}. Known: ${KEYS.join(', ')}.`);
  }
  const get = (k: (typeof KEYS)[number]) => params.get(k);
  const v = {
    dataset: get('dataset'),
    noise: get('noise'),
    seed: get('seed'),
    layers: get('layers'),
    activation: get('activation'),
    lr: get('lr'),
    batch: get('batch'),
    reg: get('reg'),
    rate: get('rate'),
    features: get('features'),
  };
  const d = DEFAULTS;
  if (v.dataset !== null) state.dataset = pick('dataset', v.dataset, DATASETS, d.dataset, notes);
  if (v.noise !== null) state.noise = checkNumber('noise', v.noise, LIMITS.noise, d.noise, notes);
  if (v.seed !== null) state.seed = checkNumber('seed', v.seed, LIMITS.seed, d.seed, notes, { integer: true });
  if (v.layers !== null) state.layers = parseLayers(v.layers, notes);
  if (v.activation !== null) state.activation = pick('activation', v.activation, ACTIVATIONS, d.activation, notes);
  if (v.lr !== null) {
    state.learningRate = checkNumber('lr', v.lr, LIMITS.learningRate, d.learningRate, notes, { positive: true });
  }
  if (v.batch !== null) {
    state.batchSize = checkNumber('batch', v.batch, LIMITS.batchSize, d.batchSize, notes, { integer: true });
  }
  if (v.reg !== null) state.regularizer = pick('reg', v.reg, REGULARIZERS, d.regularizer, notes);
  if (v.rate !== null) {
    state.regularizationRate = checkNumber('rate', v.rate, LIMITS.regularizationRate, d.regularizationRate, notes);
  }
  if (v.features !== null) state.features = parseFeatures(v.features, notes);
  return { state, notes };
}
