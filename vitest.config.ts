import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/**/*.test.ts',
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/{src,test}/**/*.test.ts',
    ],
    setupFiles: ['./test/setup.ts'],
    // The kit skips a backend that cannot start unless it is required; this repo requires all three
    // (a webgpu that cannot start here is a failure, not a skip). Override it to work without one.
    env: { NEURITE_REQUIRE_BACKENDS: process.env.NEURITE_REQUIRE_BACKENDS ?? 'cpu,wasm,webgpu' },
    reporters: ['default', './test/summary-reporter.ts'],
    // dawn.node (WebGPU) is a native addon: keep each test file in its own process.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    server: {
      deps: {
        // Built packages load through Node itself, so each process has exactly one tfjs.
        external: [/\/packages\/[^/]+\/dist\//, /node_modules/],
      },
    },
  },
});
