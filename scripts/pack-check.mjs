// Packaging check (CI runs it): every published package packs, passes publint and
// @arethetypeswrong/cli, installs from its tarball into an empty folder with its dependencies from
// the registry, imports under Node ESM, and type-checks a consumer.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = join(root, '.pack-check');
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
const bin = (name) => join(root, 'node_modules', '.bin', name);
// The TypeScript versions a consumer may use (docs/guide/getting-started.md says the same); the repo's
// own 6.0 is checked between them.
const TYPESCRIPT = { oldest: '5.4.5', newest: '7.0.2' };

function run(cmd, args, cwd = root) {
  console.log(`$ ${[cmd, ...args].join(' ')}${cwd === root ? '' : `   (in ${cwd.replace(`${root}/`, '')})`}`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, npm_config_update_notifier: 'false' } });
}

rmSync(work, { recursive: true, force: true });
mkdirSync(tarballs, { recursive: true });
mkdirSync(app, { recursive: true });

const published = readdirSync(join(root, 'packages'))
  .map((d) => join(root, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

// What a registry page and npm show about each package, and no tfjs package installed for its types.
for (const { pkg } of published) {
  const missing = ['engines', 'repository', 'homepage', 'bugs', 'license'].filter((k) => !pkg[k]);
  if (missing.length > 0) throw new Error(`pack-check: ${pkg.name}'s package.json has no ${missing.join(', ')}`);
  const tfjs = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((d) =>
    d.startsWith('@tensorflow/'),
  );
  if (tfjs.length > 0) throw new Error(`pack-check: ${pkg.name} would install ${tfjs.join(', ')}; tfjs is bundled`);
}

const files = {};
for (const { dir, pkg } of published) {
  run('pnpm', ['pack', '--pack-destination', tarballs], dir);
  const tgz = readdirSync(tarballs).find((f) => f.startsWith(pkg.name.replace('@', '').replace('/', '-')));
  files[pkg.name] = join(tarballs, tgz);
  run(bin('publint'), ['run', '--strict', dir]);
  run(bin('attw'), ['--pack', dir, '--profile', 'esm-only', '--ignore-rules', 'cjs-resolves-to-esm']);
}

// Install the tarballs as a user would; the overrides point inter-package dependencies at the
// tarballs too, since these versions may not be on the registry yet.
const deps = Object.fromEntries(Object.entries(files).map(([n, f]) => [n, `file:${f}`]));
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify(
    {
      name: 'neurite-pack-check',
      private: true,
      type: 'module',
      dependencies: deps,
      // The oldest and newest TypeScript we support, and Node's types, as a user's project installs them.
      devDependencies: {
        'typescript-oldest': `npm:typescript@${TYPESCRIPT.oldest}`,
        'typescript-newest': `npm:typescript@${TYPESCRIPT.newest}`,
        '@types/node': '24.19.4',
      },
      overrides: Object.fromEntries(Object.keys(deps).map((n) => [n, `$${n}`])),
    },
    null,
    2,
  ),
);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);

writeFileSync(
  join(app, 'smoke.ts'),
  `import { conv2d, registerBackend, useBackend, variable, variableGrads, randomNormal, setSeed, type Tensor, type Tensor4D } from '@neurite/core';
import { webgpu } from '@neurite/backend-webgpu';
import { Dense } from '@neurite/layers';
import { getLoss } from '@neurite/losses';
import { adam } from '@neurite/optimizers';
import { loadModel, sequential } from '@neurite/model';
import { NoisyDense, registerNoisyDense } from '@neurite/layer-noisy-dense';

registerBackend(webgpu);
const sums: number[] = [];
for (const name of ['cpu', 'wasm', 'webgpu'] as const) {
  const info = await useBackend(name);
  setSeed(3);
  const x = randomNormal([2, 5, 5, 2]) as Tensor4D;
  const f = variable(randomNormal([3, 3, 2, 4]));
  const { grads } = variableGrads(() => conv2d(x, f as unknown as Tensor4D, 1, 'same').square().sum());
  const g = await (grads[f.name] as Tensor).data();
  sums.push(Array.from(g).reduce((a, b) => a + Math.abs(b), 0));
  console.log(info.name, 'ok', sums.at(-1));
}
const spread = Math.max(...sums) - Math.min(...sums);
if (!(spread < 1e-3 * Math.max(...sums))) throw new Error('backends disagree: ' + sums.join(', '));
console.log('pack-check: installed packages import and agree on cpu, wasm and webgpu');

// The rest of the stack, from its tarballs: a model with a plugin layer trains, saves and loads.
await useBackend('cpu');
registerNoisyDense();
const model = sequential([new Dense({ units: 4, activation: 'relu', inputShape: [3] }), new NoisyDense({ units: 1 })]);
model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: getLoss('meanSquaredError') });
const hist = await model.fit(randomNormal([16, 3]), randomNormal([16, 1]), { epochs: 2, batchSize: 8 });
await model.save('saved-model');
const again = await loadModel('saved-model');
if (again.layers[1]?.className !== 'NoisyDense' || hist.history.loss?.length !== 2) throw new Error('model round-trip failed');
console.log('pack-check: layers, losses, optimizers, model and a plugin work from their tarballs');
`,
);
// A strict consumer, without skipLibCheck: our declarations (tfjs's included, rolled into core's
// dist/vendor/tfjs.d.ts) must compile for a Node project and for a browser project, under each TypeScript.
const projects = {
  node: { lib: ['ES2023'], types: ['node'] },
  browser: { lib: ['ES2023', 'DOM'], types: [] },
  // @tsconfig/strictest's extra checks, which reach into a library's declarations.
  strictest: {
    lib: ['ES2023'],
    types: ['node'],
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
  },
};
const compilers = {
  [TYPESCRIPT.oldest]: join(app, 'node_modules', 'typescript-oldest', 'bin', 'tsc'),
  [JSON.parse(readFileSync(join(root, 'node_modules', 'typescript', 'package.json'), 'utf8')).version]: join(
    root,
    'node_modules',
    'typescript',
    'bin',
    'tsc',
  ),
  [TYPESCRIPT.newest]: join(app, 'node_modules', 'typescript-newest', 'bin', 'tsc'),
};
for (const [kind, extra] of Object.entries(projects)) {
  writeFileSync(
    join(app, `tsconfig.${kind}.json`),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        outDir: 'out',
        ...extra,
      },
      files: ['smoke.ts'],
    }),
  );
  for (const [version, tsc] of Object.entries(compilers)) {
    run(process.execPath, [tsc, '-p', `tsconfig.${kind}.json`, '--noEmit'], app);
    console.log(`pack-check: a strict ${kind} project compiles under TypeScript ${version} without skipLibCheck`);
  }
}
run(bin('tsc'), ['-p', 'tsconfig.node.json'], app);
writeFileSync(join(app, 'out', 'package.json'), '{"type":"module"}');
run(process.execPath, ['out/smoke.js'], app);
console.log(`pack-check: ${published.length} packages OK`);
