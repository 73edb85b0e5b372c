// Numeric helpers for tests, re-exported by @neurite/core/testing: deterministic data, finite differences
// and array comparisons. Nothing here imports vitest or a backend, so scripts (bench/) can use it too.

/**
 * `n` deterministic pseudo-random floats in [-1, 1): the same on every platform, backend and run, for a
 * given `seed` (a linear congruential generator, so no tensor and no global random state is involved).
 * Different seeds give unrelated sequences; the same seed always gives the same one.
 *
 * @example
 * ```ts
 * import { tensor } from '@neurite/core';
 * import { floats } from '@neurite/core/testing';
 * const x = tensor(floats(6, 17), [2, 3]); // the same six values in every test run
 * console.log(floats(2, 17)[0] === floats(2, 17)[0]); // true
 * ```
 */
export function floats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * Up to `count` indices spread evenly over [0, n): which elements a finite-difference check probes.
 *
 * @example
 * ```ts
 * import { sampleIndices } from '@neurite/core/testing';
 * console.log(sampleIndices(100, 4)); // [ 12, 37, 62, 87 ]
 * console.log(sampleIndices(3, 8)); // [ 0, 1, 2 ]
 * ```
 */
export function sampleIndices(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * n) / count));
}

const EPS = 1e-3;

/**
 * Central differences (f(v + eps) - f(v - eps)) / 2eps, eps = 1e-3, of the scalar function `f` at the
 * given indices of `values`; NaN where the two one-sided differences disagree (a kink such as relu's,
 * max pooling's or a clip's lies within eps), so that `compareArrays` skips those points.
 *
 * @example
 * ```ts
 * import { finiteDifference } from '@neurite/core/testing';
 * const slopes = await finiteDifference(Float32Array.of(1, 2), [0, 1], async (v) => v[0] * v[0] + 3 * v[1]);
 * console.log(slopes.get(0)?.toFixed(2), slopes.get(1)?.toFixed(2)); // 2.00 3.00
 * ```
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
 * Asserts that `actual` matches `expected` elementwise, |actual - expected| <= (atol + rtol |expected|) * scale,
 * and throws naming `what`, the first element that does not, both values and the tolerance. `expected`
 * is an array (the lengths must agree) or a map of index -> value as `finiteDifference` returns: then NaN
 * entries (kinks) are skipped, but at least half of them must be checked. The default tolerances
 * (rtol 2e-2, atol 5e-3) suit finite differences in float32; pass `tol` for tighter ones, or use
 * `expectClose`, which takes the backend's tolerances.
 *
 * @example
 * ```ts
 * import { compareArrays } from '@neurite/core/testing';
 * compareArrays([1, 2.01], [1, 2], 'output'); // passes: within 2%
 * compareArrays([0.5], [0.5], 'exact', 1, { rtol: 0, atol: 0 });
 * // compareArrays([1, 3], [1, 2], 'output') throws: "output: element 1 is 3, expected 2 (|diff| 1.00e+0 > ...)"
 * ```
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
