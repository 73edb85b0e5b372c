// Bundles tfjs-core (+ all gradients and chained ops) and the cpu and wasm backends into one ESM file
// per platform, and copies the wasm binaries beside it. See docs/architecture.md, "One tfjs".
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const out = 'dist/vendor';
mkdirSync(out, { recursive: true });

const common = {
  entryPoints: ['vendor/tfjs-entry.js'],
  bundle: true,
  format: 'esm',
  mainFields: ['module', 'main'],
  target: 'es2022',
  logLevel: 'warning',
  legalComments: 'none',
  // tfjs-backend-wasm's emscripten glue probes for these; never bundle them.
  external: ['webgpu'],
};

await build({
  ...common,
  platform: 'node',
  outfile: `${out}/tfjs.node.js`,
  // The CommonJS parts of tfjs (emscripten glue, long, seedrandom) call require() and read __dirname.
  banner: {
    js: [
      "import { createRequire as __neuriteCreateRequire } from 'node:module';",
      "import { fileURLToPath as __neuriteFileURLToPath } from 'node:url';",
      'const require = __neuriteCreateRequire(import.meta.url);',
      'const __filename = __neuriteFileURLToPath(import.meta.url);',
      "const __dirname = __neuriteFileURLToPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
});

await build({
  ...common,
  platform: 'browser',
  outfile: `${out}/tfjs.browser.js`,
  external: [...common.external, 'fs', 'path', 'os', 'worker_threads', 'perf_hooks', 'crypto', 'util'],
});

const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
  copyFileSync(join(wasmDir, f), join(out, f));
}
console.log(`@neurite/core: bundled tfjs into ${out}`);
