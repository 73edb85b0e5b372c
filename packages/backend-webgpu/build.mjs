// Bundles tfjs-backend-webgpu so that it binds to @neurite/core's single tfjs: every import of
// '@tensorflow/tfjs-core' becomes an external import of '@neurite/core/tfjs'.
import { mkdirSync } from 'node:fs';
import { build } from 'esbuild';

mkdirSync('dist/vendor', { recursive: true });
await build({
  entryPoints: ['vendor/webgpu-entry.js'],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  target: 'es2022',
  outfile: 'dist/vendor/tfjs-webgpu.js',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [
    {
      name: 'bind-to-neurite-core',
      setup(b) {
        b.onResolve({ filter: /^@tensorflow\/tfjs-core(\/.*)?$/ }, (args) => {
          if (args.path !== '@tensorflow/tfjs-core') {
            throw new Error(`tfjs-backend-webgpu imports ${args.path}, which @neurite/core/tfjs does not provide`);
          }
          return { path: '@neurite/core/tfjs', external: true };
        });
      },
    },
  ],
});
console.log('@neurite/backend-webgpu: bundled tfjs-backend-webgpu against @neurite/core/tfjs');
