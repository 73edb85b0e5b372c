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
