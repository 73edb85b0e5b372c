// Numeric helpers for the conformance kit: deterministic data, finite differences, comparisons.

/** Deterministic floats in [-1, 1), the same on every backend and run. */
export function floats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Up to `count` indices spread evenly over [0, n). */
export function sampleIndices(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * n) / count));
}

const EPS = 1e-3;

/**
 * Central differences (f(v + eps) - f(v - eps)) / 2eps at the given indices; NaN where the two one-sided
 * differences disagree (a kink such as relu's or max pooling's lies within eps), so those are skipped.
 */
export async function finiteDifference(
  values: Float32Array,
  indices: number[],
  f: (values: Float32Array) => Promise<number>,
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const center = await f(values);
  for (const i of indices) {
    const v = Float32Array.from(values);
    v[i] = values[i] + EPS;
    const plus = await f(v);
    v[i] = values[i] - EPS;
    const minus = await f(v);
    const right = (plus - center) / EPS;
    const left = (center - minus) / EPS;
    // Float32 noise in a one-sided difference is about ulp(f) / eps, well under 1% of max(1, |slope|);
    // a larger disagreement means a kink (relu, max pooling) lies within eps.
    const kink = Math.abs(right - left) > 0.01 * Math.max(1, Math.abs(right) + Math.abs(left));
    out.set(i, kink ? Number.NaN : (plus - minus) / (2 * EPS));
  }
  return out;
}

/**
 * Asserts that `actual` matches `expected` (an array, or a map of index -> value from finiteDifference)
 * within tolerances; NaN entries of a map are skipped, but at least half must be checked.
 */
export function compareArrays(
  actual: ArrayLike<number>,
  expected: ArrayLike<number> | Map<number, number>,
  what: string,
  scale = 1,
  tol: { rtol: number; atol: number } = { rtol: 2e-2, atol: 5e-3 },
): void {
  const pairs: [number, number][] =
    expected instanceof Map
      ? [...expected.entries()]
      : Array.from({ length: expected.length }, (_, i) => [i, expected[i]] as [number, number]);
  if (!(expected instanceof Map) && actual.length !== expected.length) {
    throw new Error(`${what}: expected ${expected.length} values, received ${actual.length}`);
  }
  let checked = 0;
  for (const [i, e] of pairs) {
    if (Number.isNaN(e) && expected instanceof Map) continue;
    checked++;
    const a = actual[i];
    if (!(Math.abs(a - e) <= (tol.atol + tol.rtol * Math.abs(e)) * scale)) {
      throw new Error(
        `${what}: element ${i} is ${a}, expected ${e} (|diff| ${Math.abs(a - e).toExponential(2)} > ` +
          `atol ${tol.atol * scale} + rtol ${tol.rtol * scale} * |expected|)`,
      );
    }
  }
  if (checked * 2 < pairs.length) {
    throw new Error(`${what}: only ${checked} of ${pairs.length} points could be checked (kinks everywhere?)`);
  }
}
