// @neurite/core/testing: run one suite on every backend (vitest). Used by Neurite's own tests and by
// plugin authors. A backend listed in NEURITE_REQUIRE_BACKENDS that cannot start is a failing test,
// never a silent skip.
import { beforeEach, describe, it } from 'vitest';
import { getBackendPlugin, listBackends, useBackend } from './backends/registry.js';

/** Per-backend tolerances for comparing against a float64 reference; see docs/backends.md. */
export const TOLERANCE: Record<string, { rtol: number; atol: number }> = {
  cpu: { rtol: 1e-5, atol: 1e-5 },
  wasm: { rtol: 1e-5, atol: 1e-5 },
  // SwiftShader and real GPUs reorder sums and may use fused multiply-add differently.
  webgpu: { rtol: 1e-4, atol: 1e-4 },
};

function listFromEnv(name: string): string[] | undefined {
  const raw = typeof process !== 'undefined' ? process.env[name] : undefined;
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * The backends that must start: NEURITE_REQUIRE_BACKENDS (comma-separated), by default cpu, wasm and
 * webgpu. Set it to e.g. `cpu,wasm` on a machine without a Vulkan driver.
 */
export function requiredBackends(): string[] {
  return listFromEnv('NEURITE_REQUIRE_BACKENDS') ?? ['cpu', 'wasm', 'webgpu'];
}

/** The backends a suite runs on: NEURITE_TEST_BACKENDS, else every registered and required backend. */
export function backendsUnderTest(): string[] {
  const chosen = listFromEnv('NEURITE_TEST_BACKENDS');
  if (chosen) return chosen;
  return [...new Set([...requiredBackends(), ...listBackends()])];
}

/**
 * Runs `body` once per backend, inside `describe('<title> [<backend>]')`, with that backend active.
 * Call it at the top level of a test file with `await`.
 *
 * @example
 * ```ts
 * import { expect, it } from 'vitest';
 * import { tensor } from '@neurite/core';
 * import { describeBackends } from '@neurite/core/testing';
 *
 * await describeBackends('square', (backend) => {
 *   it('squares', async () => {
 *     expect(Array.from(await tensor([2]).square().data())).toEqual([4]);
 *   });
 * });
 * ```
 */
export async function describeBackends(title: string, body: (backend: string) => void): Promise<void> {
  const required = new Set(requiredBackends());
  for (const name of backendsUnderTest()) {
    const plugin = getBackendPlugin(name);
    const availability = plugin
      ? await plugin.isAvailable()
      : { available: false, reason: 'no plugin is registered under this name', fix: 'register it in the test setup' };
    if (!availability.available) {
      if (required.has(name)) {
        describe(`${title} [${name}]`, () => {
          it(`backend '${name}' starts (required by NEURITE_REQUIRE_BACKENDS)`, () => {
            throw new Error(
              `Required backend '${name}' cannot start: ${availability.reason}. ${availability.fix ?? ''} ` +
                `To run without it, set NEURITE_REQUIRE_BACKENDS to the backends this machine has.`,
            );
          });
        });
      } else {
        // Only a backend left out of NEURITE_REQUIRE_BACKENDS lands here (e.g. webgpu on a machine without
        // Vulkan, when a developer says so); the skip carries the reason in its title. CI requires all three.
        describe.skip(`${title} [${name}] (unavailable: ${availability.reason})`, () => {
          it('skipped', () => {});
        });
      }
      continue;
    }
    describe(`${title} [${name}]`, () => {
      // beforeAll would run once per describe, but vitest may interleave hooks of sibling suites
      // with their tests; selecting in beforeEach keeps every test on its own backend.
      beforeEachSelect(name);
      body(name);
    });
  }
}

function beforeEachSelect(name: string): void {
  beforeEach(async () => {
    await useBackend(name);
  });
}

/**
 * Asserts that two arrays agree within the backend's tolerance, naming the first element that does not.
 *
 * @example
 * ```ts
 * import { expectClose } from '@neurite/core/testing';
 * expectClose([1, 2.000001], [1, 2], 'cpu');
 * ```
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, backend: string, scale = 1): void {
  const { rtol, atol } = TOLERANCE[backend] ?? TOLERANCE.webgpu;
  if (actual.length !== expected.length) {
    throw new Error(`expected ${expected.length} values, received ${actual.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= (atol + rtol * Math.abs(e)) * scale)) {
      throw new Error(
        `element ${i}: expected ${e}, received ${a} (|diff| ${Math.abs(a - e)} > ` +
          `atol ${atol * scale} + rtol ${rtol * scale} * |expected|, tolerance for ${backend})`,
      );
    }
  }
}
