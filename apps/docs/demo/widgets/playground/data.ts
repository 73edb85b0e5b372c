// The playground's 2-D problems and the inputs a network sees. Points lie in [-6, 6]^2; each problem
// draws them from @neurite/core's seeded stream, so a seed gives the same points on every visit.
import { permutation, random, setSeed } from '@neurite/core';
import type { Dataset, Feature } from './state.js';

export const DOMAIN = 6;
/** Points per problem: the first half trains, the second half tests. */
export const POINTS = 400;
/** The pictures' resolution: predictions on a GRID x GRID lattice over the domain. */
export const GRID = 50;

export interface Points {
  /** [x1, x2] per point. */
  xy: Float32Array;
  /** 0 or 1 per point. */
  labels: Float32Array;
  count: number;
}

const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();

/** A standard normal draw (Box-Muller) from the seeded stream. */
function normal(): number {
  const u = 1 - random(); // in (0, 1]: log(0) never happens
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** One point of class `label` (0 or 1, alternating), before noise; `i` of `n` places spiral points. */
type Draw = (label: number, i: number, n: number, noise: number) => [number, number];

const DRAW: Record<Dataset, Draw> = {
  // Class 1 inside a disc of radius 2.5, class 0 on a ring from 3.5 to 5; noise jitters the points.
  circle: (label, _i, _n, noise) => {
    const r = label ? uniform(0, 2.5) : uniform(3.5, 5);
    const t = uniform(0, 2 * Math.PI);
    const j = noise * 2.5;
    return [r * Math.sin(t) + uniform(-j, j), r * Math.cos(t) + uniform(-j, j)];
  },
  // Class 1 where x1 and x2 share a sign; points keep 0.3 away from the axes before noise.
  xor: (label, _i, _n, noise) => {
    const a = uniform(0.3, 5) * (random() < 0.5 ? -1 : 1);
    const b = uniform(0.3, 5) * Math.sign(a) * (label ? 1 : -1);
    const j = noise * 2.5;
    return [a + uniform(-j, j), b + uniform(-j, j)];
  },
  // Two arms turning 1.75 times around the centre, class 1 on one and class 0 on the other.
  spiral: (label, i, n, noise) => {
    const k = Math.floor(i / 2) / (n / 2);
    const r = 5 * k;
    const t = 1.75 * 2 * Math.PI * k + (label ? 0 : Math.PI);
    const j = noise * 2;
    return [r * Math.sin(t) + uniform(-j, j), r * Math.cos(t) + uniform(-j, j)];
  },
  // Two gaussian blobs, class 1 around (2, 2) and class 0 around (-2, -2); noise widens them.
  gauss: (label, _i, _n, noise) => {
    const sd = 0.6 + noise * 3;
    const c = label ? 2 : -2;
    return [c + sd * normal(), c + sd * normal()];
  },
};

/**
 * The problem's points for a seed: half of each class, shuffled (so the training and test halves are
 * alike), inside the domain. `noise` is in percent, 0 to 50.
 */
export function makePoints(dataset: Dataset, noisePercent: number, seed: number): Points {
  setSeed(seed);
  const noise = noisePercent / 100;
  const xy = new Float32Array(POINTS * 2);
  const labels = new Float32Array(POINTS);
  const order = permutation(POINTS, seed);
  for (let i = 0; i < POINTS; i++) {
    const label = i % 2;
    const [a, b] = DRAW[dataset](label, i, POINTS, noise);
    const at = order[i];
    xy[2 * at] = Math.max(-DOMAIN, Math.min(DOMAIN, a));
    xy[2 * at + 1] = Math.max(-DOMAIN, Math.min(DOMAIN, b));
    labels[at] = label;
  }
  return { xy, labels, count: POINTS };
}

export const FEATURE_LABELS: Record<Feature, string> = {
  x1: 'x₁',
  x2: 'x₂',
  x1sq: 'x₁²',
  x2sq: 'x₂²',
  x1x2: 'x₁x₂',
  sinx1: 'sin x₁',
  sinx2: 'sin x₂',
};

const FEATURE_FN: Record<Feature, (a: number, b: number) => number> = {
  x1: (a) => a,
  x2: (_a, b) => b,
  x1sq: (a) => a * a,
  x2sq: (_a, b) => b * b,
  x1x2: (a, b) => a * b,
  sinx1: (a) => Math.sin(a),
  sinx2: (_a, b) => Math.sin(b),
};

/** The network's inputs for points [x1, x2, x1, x2, ...]: one row of the chosen features per point. */
export function featureRows(xy: Float32Array, features: Feature[]): Float32Array {
  const n = xy.length / 2;
  const out = new Float32Array(n * features.length);
  for (let i = 0; i < n; i++) {
    for (const [k, f] of features.entries()) out[i * features.length + k] = FEATURE_FN[f](xy[2 * i], xy[2 * i + 1]);
  }
  return out;
}

/** The lattice's cell centres, row by row from the top (x2 = +6) down, as [x1, x2] pairs. */
export function gridPoints(): Float32Array {
  const xy = new Float32Array(GRID * GRID * 2);
  for (let i = 0; i < GRID; i++) {
    for (let j = 0; j < GRID; j++) {
      xy[2 * (i * GRID + j)] = -DOMAIN + ((j + 0.5) / GRID) * 2 * DOMAIN;
      xy[2 * (i * GRID + j) + 1] = DOMAIN - ((i + 0.5) / GRID) * 2 * DOMAIN;
    }
  }
  return xy;
}
