// @neurite/core/testing: run one suite on every backend (vitest), and the numeric helpers tests share
// (deterministic floats, finite differences, array comparisons). Used by Neurite's own tests and by
// plugin authors. A backend that cannot start is skipped and named; one listed in
// NEURITE_REQUIRE_BACKENDS (Neurite's CI lists all three) is a failing test instead.
import { beforeEach, describe, it } from 'vitest';
import { getBackendPlugin, listBackends, useBackend } from './backends/registry.js';
import { compareArrays } from './testing/numeric.js';

/** Per-backend tolerances for comparing against a float64 reference; see docs/backends.md. */
export const TOLERANCE: Record<string, { rtol: number; atol: number }> = {
  cpu: { rtol: 1e-5, atol: 1e-5 },
  wasm: { rtol: 1e-5, atol: 1e-5 },
  // SwiftShader and real GPUs reorder sums and may use fused multiply-add differently.
  webgpu: { rtol: 1e-4, atol: 1e-4 },
};

function listFromEnv(name: string): string[] | undefined {
  const raw = typeof process !== 'undefined' ? process.env[name] : undefined;
  if (raw === undefined) return undefined;
  const list = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return list.length > 0 ? list : undefined;
}

/** Backends Neurite knows by name, and the package that provides each. */
const PROVIDERS: Record<string, string> = {
  cpu: '@neurite/core',
  wasm: '@neurite/core',
  webgpu: '@neurite/backend-webgpu',
};

/**
 * The backends that must start: NEURITE_REQUIRE_BACKENDS (comma-separated), by default none. A required
 * backend that cannot start is a failing test; any other backend that cannot start is skipped, with
 * the reason in the skipped suite's title. Neurite's own CI sets `cpu,wasm,webgpu`.
 */
export function requiredBackends(): string[] {
  // Backends named in NEURITE_TEST_BACKENDS were asked for by name: they must start too.
  return [
    ...new Set([...(listFromEnv('NEURITE_REQUIRE_BACKENDS') ?? []), ...(listFromEnv('NEURITE_TEST_BACKENDS') ?? [])]),
  ];
}

/**
 * The backends a suite runs on: NEURITE_TEST_BACKENDS (each of them must start) and the required ones;
 * else every registered backend, every required one, and webgpu (reported as skipped when its plugin is
 * not registered).
 */
export function backendsUnderTest(): string[] {
  const chosen = listFromEnv('NEURITE_TEST_BACKENDS');
  // Exactly the chosen ones, plus any required one (a requirement is never dropped by a narrower choice).
  if (chosen) return [...new Set([...chosen, ...requiredBackends()])];
  return [...new Set([...listBackends(), ...requiredBackends(), ...Object.keys(PROVIDERS)])];
}

const SETUP_HINT = "in your vitest setup file (the file vitest.config's test.setupFiles names, e.g. test/setup.ts)";

/** Why a backend cannot be tested here, and what to do about it, in words a plugin author can act on. */
async function unavailable(name: string): Promise<{ reason: string; fix: string } | undefined> {
  const plugin = getBackendPlugin(name);
  if (!plugin) {
    const provider = PROVIDERS[name];
    if (provider === '@neurite/backend-webgpu') {
      return {
        reason: `its plugin is not registered (it comes from ${provider})`,
        fix:
          `Install it (npm install --save-dev ${provider}) and register it ${SETUP_HINT}: ` +
          `import { registerBackend } from '@neurite/core'; import { webgpu } from '${provider}'; registerBackend(webgpu);`,
      };
    }
    return {
      reason: `no backend plugin is registered under the name '${name}'`,
      fix: `Register the plugin that provides it ${SETUP_HINT} with registerBackend(plugin), or check the name.`,
    };
  }
  const availability = await plugin.isAvailable();
  if (availability.available) return undefined;
  return { reason: availability.reason ?? 'it reports itself unavailable', fix: availability.fix ?? '' };
}

const reported = new Set<string>();

/** Which variable asks for a backend, with its value, e.g. `NEURITE_REQUIRE_BACKENDS=cpu,wasm,webgpu`. */
function whoRequires(name: string): string {
  for (const variable of ['NEURITE_REQUIRE_BACKENDS', 'NEURITE_TEST_BACKENDS']) {
    const list = listFromEnv(variable);
    if (list?.includes(name)) return `${variable}=${list.join(',')}`;
  }
  return 'NEURITE_REQUIRE_BACKENDS';
}

/**
 * Runs `body` once per backend, inside `describe('<title> [<backend>]')`, with that backend active.
 * Call it at the top level of a test file with `await`. Backends that cannot start here are skipped
 * and named (the skipped suite's title and one line on stderr say why and how to add them), unless
 * NEURITE_REQUIRE_BACKENDS lists them: then they fail.
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
  const required = requiredBackends();
  for (const name of backendsUnderTest()) {
    const missing = await unavailable(name);
    if (missing) {
      if (required.includes(name)) {
        describe(`${title} [${name}]`, () => {
          it(`backend '${name}' starts (required by NEURITE_REQUIRE_BACKENDS)`, () => {
            throw new Error(
              `Backend '${name}' is required (${whoRequires(name)}) but cannot start: ` +
                `${missing.reason}. ${missing.fix} To run without it, remove '${name}' from that variable.`,
            );
          });
        });
      } else {
        if (!reported.has(name)) {
          reported.add(name);
          console.warn(
            `[@neurite/core/testing] skipping backend '${name}': ${missing.reason}. ${missing.fix} ` +
              `To make a missing backend fail instead, set NEURITE_REQUIRE_BACKENDS (e.g. cpu,wasm,webgpu).`,
          );
        }
        // A reported skip, not a silent one: this backend cannot start here and nobody required it. The
        // title and the line above say why; NEURITE_REQUIRE_BACKENDS (this repo sets all three) fails instead.
        describe.skip(`${title} [${name}] skipped: ${missing.reason}`, () => {
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
 * Asserts that two arrays agree within the backend's tolerance (`TOLERANCE[backend]`, times `scale`),
 * naming the first element that does not. The same comparison as `compareArrays`, with the backend's
 * tolerances for a float64 reference instead of finite differences' looser ones.
 *
 * @example
 * ```ts
 * import { expectClose } from '@neurite/core/testing';
 * expectClose([1, 2.000001], [1, 2], 'cpu');
 * expectClose([1.0004], [1], 'webgpu', 10); // 10 times webgpu's tolerance
 * ```
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, backend: string, scale = 1): void {
  compareArrays(actual, expected, `expectClose (${backend} tolerance)`, scale, TOLERANCE[backend] ?? TOLERANCE.webgpu);
}

export { compareArrays, finiteDifference, floats, sampleIndices } from './testing/numeric.js';
