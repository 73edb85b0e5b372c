// Writes dist/vendor/tfjs.d.ts: the declarations of the bundled tfjs, rolled into one file of our own, so
// a consumer never loads tfjs-core's declaration files. Those need `@types/long`, `@types/seedrandom`
// and `@webgpu/types` (whose globals clash with TypeScript 6's DOM library) and a DOM library for
// names such as HTMLCanvasElement; under a strict project without skipLibCheck they fail to compile.
//
// Steps: rollup-plugin-dts inlines every declaration reachable from vendor/tfjs.d.ts; then
//  - triple-slash references and amd-module lines go (nothing outside this file is referenced),
//  - the chained-op augmentations (`declare module "./tfjs" { interface Tensor {...} }`) become plain
//    `interface Tensor` declarations that merge with the class in the same file,
//  - each global the declarations name (DOM, WebGPU, fetch, Long) becomes a local alias: the
//    consumer's own global type when its libraries declare one, else a type that accepts nothing.
// The build fails if a name it does not know is left unresolved (build-types checks it with tsc).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const require = createRequire(import.meta.url);
const out = 'dist/vendor/tfjs.d.ts';
mkdirSync(dirname(out), { recursive: true });

const bundle = await rollup({
  input: 'vendor/tfjs.d.ts',
  plugins: [dts({ respectExternal: true, compilerOptions: { skipLibCheck: true } })],
  onwarn(warning, warn) {
    // tfjs-core's declarations re-export some names twice (`export *` of overlapping modules).
    if (warning.code === 'CIRCULAR_DEPENDENCY') return;
    warn(warning);
  },
});
const { output } = await bundle.generate({ format: 'es' });
await bundle.close();
let text = output[0].code;

text = text.replace(/^\/\/\/ <(reference|amd-module)[^\n]*\n/gm, '');

// Names declared at the top level of the bundle; rollup renamed clashing ones to Name$1.
const declared = new Set(
  [
    ...text.matchAll(
      /^(?:export )?(?:declare )?(?:abstract )?(?:type|class|interface|const|function|namespace|enum) ([\w$]+)/gm,
    ),
  ].map((m) => m[1]),
);
let augmentations = 0;
text = text.replace(/^declare module "\.\/tfjs(?:\.d)?" \{\n([\s\S]*?)\n\}\n/gm, (_, body) => {
  augmentations += 1;
  // The augmentation's body still uses the names its own file imported; point them at the bundle's.
  const fixed = body.replace(/\b([A-Z]\w*)\b(?!\$)/g, (name) => {
    if (declared.has(name) || !declared.has(`${name}$1`)) return name;
    return `${name}$1`;
  });
  return `${fixed.replace(/^ {4}/gm, '')}\n`;
});
if (augmentations < 100) throw new Error(`build-types: expected the chained-op augmentations, found ${augmentations}`);

text = text.replace(/\btypeof fetch\b/g, 'FetchFunction');

// Globals that tfjs only takes as inputs (elements, GPU buffers, files): without the consumer's library
// declaring them, nothing can be passed.
const INPUT_ONLY = [
  'GPUBuffer',
  'WebGLTexture',
  'HTMLCanvasElement',
  'HTMLVideoElement',
  'HTMLImageElement',
  'HTMLSourceElement',
  'OffscreenCanvas',
  'ImageData',
  'ImageBitmap',
  'Navigator',
  'File',
];
const globals = `// Globals tfjs-core's declarations mention, resolved against the consumer's own libraries: with the DOM
// library (or @types/node, for fetch and streams) they are the real types; without it, they are types no
// value satisfies, so code that never touches them compiles and code that does says what is missing.
type GlobalInstance<K extends string, Fallback> = typeof globalThis extends { [P in K]: { prototype: infer T } } ? T : Fallback;
${INPUT_ONLY.map((name) => `type ${name} = GlobalInstance<'${name}', never>;`).join('\n')}
type Response = GlobalInstance<'Response', unknown>;
type ReadableStream<_R = unknown> = GlobalInstance<'ReadableStream', never>;
type RequestInit = object;
type WebGLContextAttributes = object;
type FetchFunction = typeof globalThis extends { fetch: infer F } ? F : (input: string, init?: object) => Promise<unknown>;
/** A 64-bit integer as the \`long\` package represents it (tfjs's hash functions return one). */
interface Long {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
  toNumber(): number;
  toString(radix?: number): string;
}
`;

const tfjsVersion = JSON.parse(readFileSync(require.resolve('@tensorflow/tfjs-core/package.json'), 'utf8')).version;
const header = `// Declarations of the TensorFlow.js ${tfjsVersion} bundled in dist/vendor/tfjs.{node,browser}.js, rolled into one
// file by packages/core/build-types.mjs from @tensorflow/tfjs-core's own (Apache-2.0, Copyright Google LLC;
// see the license notices below), with its global dependencies made local. Generated: do not edit.
`;
text = `${header}${globals}${text}`;
writeFileSync(out, text);

// Check the result as a consumer would see it: strict, no skipLibCheck, with and without the DOM library.
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const check = join('dist', '.types-check');
for (const lib of [['ES2022'], ['ES2022', 'DOM']]) {
  rmSync(check, { recursive: true, force: true });
  mkdirSync(check, { recursive: true });
  writeFileSync(
    join(check, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', lib, types: [] },
      files: ['../vendor/tfjs.d.ts'],
    }),
  );
  try {
    execFileSync(process.execPath, [tsc, '-p', check], { stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    throw new Error(`build-types: ${out} does not compile with lib ${lib.join('+')}:\n${error.stdout}${error.stderr}`);
  }
}
rmSync(check, { recursive: true, force: true });
console.log(`@neurite/core: rolled tfjs ${tfjsVersion}'s declarations into ${out} (${augmentations} chained ops)`);
