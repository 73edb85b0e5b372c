// A stranger's plugin, end to end, outside this repo: our packages are published by `changeset publish`
// to a real npm registry started for the test (verdaccio on 127.0.0.1), then, as a stranger would with
// npm and the docs alone: `npm create @neurite/layer` writes a plugin, its kit passes on cpu and wasm
// without WebGPU (and says it skipped webgpu), fails when webgpu is required but missing, passes on all
// three once @neurite/backend-webgpu is installed; it type-checks strictly (no skipLibCheck), runs its
// examples, publishes itself with `npm run release` (changeset publish), and an app installs it from the
// registry, trains and saves a model with it, and loads the model in a fresh process.
//
// Every command runs as a process, in folders under the system's temp dir; the transcript (commands and
// the tail of their output) is written to $NEURITE_TRANSCRIPT when set.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'neurite-stranger-'));
const transcript = process.env.NEURITE_TRANSCRIPT;
let registry = '';
let npmrc = '';
let verdaccio: ChildProcess | undefined;
/** Every command run, as typed (with its environment prefix): the guide's commands must be among them. */
const ran: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Runs a command as a stranger's shell would, with npm pointed at our npmrc; returns its output. */
function sh(cwd: string, command: string, env: Record<string, string> = {}, timeout = 600_000) {
  const environment: Record<string, string | undefined> = {
    ...process.env,
    // Nothing from this repo's own test run leaks into the stranger's shell.
    NEURITE_REQUIRE_BACKENDS: '',
    NODE_OPTIONS: '',
    VITEST: '',
    VITEST_POOL_ID: '',
    VITEST_WORKER_ID: '',
    npm_config_userconfig: npmrc,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    NO_COLOR: '1',
    ...env,
  };
  delete environment.FORCE_COLOR;
  const r = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', timeout, env: environment });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const shown = Object.entries(env)
    .filter(([k]) => !k.startsWith('npm_config_') && !k.startsWith('GIT_'))
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  ran.push(`${shown}${command}`.replace(' --yes', ''));
  if (transcript) {
    appendFileSync(
      transcript,
      `\n$ ${shown}${command}   # in ${cwd.replace(work, '<tmp>')}\n${out.slice(-3000)}\nexit ${r.status}\n`,
    );
  }
  return { status: r.status, out };
}

function ok(cwd: string, command: string, env: Record<string, string> = {}) {
  const r = sh(cwd, command, env);
  expect(r.status, `${command}\n${r.out.slice(-6000)}`).toBe(0);
  return r.out;
}

const published = readdirSync(join(root, 'packages'))
  .map((d) => ({ dir: d, pkg: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

beforeAll(async () => {
  const port = await freePort();
  registry = `http://127.0.0.1:${port}/`;
  const storage = join(work, 'registry');
  mkdirSync(storage, { recursive: true });
  // No uplinks: @neurite/* and @stranger/* live here only; the rest of npm comes from the usual registry
  // (the stranger's npmrc routes the two scopes here).
  writeFileSync(
    join(storage, 'config.yaml'),
    [
      `storage: ${join(storage, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(storage, 'htpasswd')}`,
      'packages:',
      "  '@*/*':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  verdaccio = spawn(
    process.execPath,
    [
      join(root, 'node_modules', 'verdaccio', 'bin', 'verdaccio'),
      '--config',
      join(storage, 'config.yaml'),
      '--listen',
      `127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${registry}-/ping`)).ok) break;
    } catch {}
    if (i > 100) throw new Error('verdaccio did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  // A user on the local registry, as `npm adduser` makes one; its token goes in the npmrc.
  const res = await fetch(`${registry}-/user/org.couchdb.user:stranger`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'stranger', password: 'not-a-secret-1', type: 'user' }),
  });
  const { token } = (await res.json()) as { token: string };
  npmrc = join(work, 'npmrc');
  writeFileSync(
    npmrc,
    [
      `@neurite:registry=${registry}`,
      `@stranger:registry=${registry}`,
      `//127.0.0.1:${port}/:_authToken=${token}`,
      '',
    ].join('\n'),
  );

  // Publish this checkout's packages as a release does, with `changeset publish` (pnpm publish under it,
  // which turns workspace: ranges into versions), without tagging this repo.
  ok(root, `node ${join(root, 'node_modules', '@changesets', 'cli', 'bin.js')} publish --no-git-tag`, {
    npm_config_registry: registry,
    npm_config_git_checks: 'false',
  });
}, 600_000);

afterAll(() => {
  verdaccio?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('a plugin made by a stranger, from npm create to a published package', () => {
  const plugin = () => join(work, 'stranger', 'layer-swish');
  let passedWithoutWebgpu = 0;

  it('publishes every @neurite package to the registry', () => {
    for (const { pkg } of published) {
      expect(ok(work, `npm view ${pkg.name} version`).trim(), pkg.name).toBe(pkg.version);
    }
  });

  it('npm create @neurite/layer writes a standalone plugin package', () => {
    mkdirSync(join(work, 'stranger'), { recursive: true });
    const out = ok(
      join(work, 'stranger'),
      'npm create --yes @neurite/layer@latest layer-swish -- --name @stranger/layer-swish --class Swish',
    );
    expect(out).toContain(
      "Created @stranger/layer-swish in layer-swish: the layer Swish, registered as '@stranger/layer-swish>Swish'.",
    );
    const pkg = JSON.parse(readFileSync(join(plugin(), 'package.json'), 'utf8'));
    const version = published.find((p) => p.pkg.name === '@neurite/core')?.pkg.version;
    expect(pkg.peerDependencies).toEqual({
      '@neurite/core': `>=${version} <1`,
      '@neurite/layers': `>=${version} <1`,
    });
    expect(pkg.dependencies).toBeUndefined();
    const files = readdirSync(plugin(), { recursive: true }).map(String);
    for (const f of [
      'src/swish.ts',
      'src/swish.test.ts',
      'src/index.ts',
      'test/setup.ts',
      'vitest.config.ts',
      'tsconfig.json',
      '.changeset/config.json',
      '.gitignore',
      'scripts/run-examples.mjs',
      'README.md',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(readFileSync(join(plugin(), 'tsconfig.json'), 'utf8')).not.toContain('skipLibCheck');
    expect(readFileSync(join(plugin(), 'README.md'), 'utf8')).toContain('frozen into saved models');
    // A second run into the same folder refuses, and leaves it as it was.
    const again = sh(join(work, 'stranger'), 'npm create --yes @neurite/layer@latest layer-swish');
    expect(again.status).not.toBe(0);
    expect(again.out).toContain('already exists and is not an empty folder');
  });

  it('installs, and its kit passes on cpu and wasm without WebGPU, naming what it skipped', () => {
    ok(plugin(), 'npm install');
    const out = ok(plugin(), 'npm test');
    expect(out).toContain(
      "skipping backend 'webgpu': its plugin is not registered (it comes from @neurite/backend-webgpu)",
    );
    expect(out).toContain('npm install --save-dev @neurite/backend-webgpu');
    const counts = out.match(/Tests\s+(\d+) passed \| (\d+) skipped/);
    expect(counts, out).not.toBeNull();
    passedWithoutWebgpu = Number(counts?.[1]);
    // Required but missing: a failure that says which package to install and where the setup goes.
    const strict = sh(plugin(), 'npm test', { NEURITE_REQUIRE_BACKENDS: 'cpu,wasm,webgpu' });
    expect(strict.status).not.toBe(0);
    expect(strict.out).toContain(
      "Backend 'webgpu' is required (NEURITE_REQUIRE_BACKENDS=cpu,wasm,webgpu) but cannot start: its plugin is not registered",
    );
    expect(strict.out).toContain("in your vitest setup file (the file vitest.config's test.setupFiles names");
  });

  it('passes on all three backends once @neurite/backend-webgpu is installed', () => {
    ok(plugin(), 'npm install --save-dev @neurite/backend-webgpu');
    const out = ok(plugin(), 'npm test', { NEURITE_REQUIRE_BACKENDS: 'cpu,wasm,webgpu' });
    // Required, so it ran: every suite on a third backend, nothing skipped.
    expect(out).not.toContain('skipping backend');
    const passed = Number(out.match(/Tests\s+(\d+) passed/)?.[1]);
    expect(passed).toBeGreaterThan(passedWithoutWebgpu);
    expect(out).not.toMatch(/skipped/);
  });

  it('type-checks strictly without skipLibCheck, builds, and runs its examples', () => {
    ok(plugin(), 'npm run typecheck');
    const out = ok(plugin(), 'npm run examples');
    expect(out).toMatch(/(\d+) of \1 examples ran/);
  });

  it('publishes itself with changeset publish, and an app installs it, trains, saves and loads in a fresh process', () => {
    ok(plugin(), 'git init && git add -A && git commit -m "first release"', {
      GIT_AUTHOR_NAME: 'stranger',
      GIT_AUTHOR_EMAIL: 'stranger@localhost',
      GIT_COMMITTER_NAME: 'stranger',
      GIT_COMMITTER_EMAIL: 'stranger@localhost',
    });
    const release = ok(plugin(), 'npm run release');
    expect(release).toContain('@stranger/layer-swish');
    const app = join(work, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    ok(app, 'npm install @stranger/layer-swish @neurite/core @neurite/layers @neurite/model');
    // One copy of each stateful package, whatever the plugin asked for.
    const tree = ok(app, 'npm ls @neurite/layers --all --parseable');
    expect(
      tree
        .trim()
        .split('\n')
        .filter((l) => l.endsWith('node_modules/@neurite/layers')),
    ).toHaveLength(1);
    writeFileSync(
      join(app, 'train.mjs'),
      `import { tensor2d, useBackend } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { sequential } from '@neurite/model';
import { Swish, registerSwish } from '@stranger/layer-swish';
await useBackend('wasm');
registerSwish();
const model = sequential([new Swish({ inputShape: [2] }), new Dense({ units: 1 })]);
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
const x = tensor2d([[1, 2], [3, 4], [5, 6]]);
await model.fit(x, tensor2d([[1], [2], [3]]), { epochs: 3, batchSize: 3, seed: 1 });
await model.save('saved');
console.log('RESULT', JSON.stringify(Array.from(await model.predict(x).data())));
`,
    );
    writeFileSync(
      join(app, 'load.mjs'),
      `import { tensor2d, useBackend } from '@neurite/core';
import { loadModel } from '@neurite/model';
import { registerSwish } from '@stranger/layer-swish';
await useBackend('wasm');
registerSwish();
const model = await loadModel('saved');
console.log('RESULT', model.layers[0].className, JSON.stringify(Array.from(await model.predict(tensor2d([[1, 2], [3, 4], [5, 6]])).data())));
`,
    );
    const result = (out: string) =>
      out
        .split('\n')
        .find((l) => l.startsWith('RESULT '))
        ?.slice(7);
    const trained = result(ok(app, 'node train.mjs'));
    const loaded = result(ok(app, 'node load.mjs'));
    expect(trained).toMatch(/^\[.+\]$/);
    expect(loaded).toBe(`Swish ${trained}`);
    // Without registering the plugin, the fresh process says what is missing and how to add it.
    writeFileSync(join(app, 'forgot.mjs'), "import { loadModel } from '@neurite/model';\nawait loadModel('saved');\n");
    const forgot = sh(app, 'node forgot.mjs');
    expect(forgot.status).not.toBe(0);
    expect(forgot.out).toContain("model.json uses layers that are not registered: '@stranger/layer-swish>Swish'");
  });

  it('a strict TypeScript app using @neurite/core, layers and model compiles without skipLibCheck', () => {
    const app = join(work, 'app');
    ok(app, 'npm install --save-dev typescript@6.0.3 @types/node@24.19.4');
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );
    writeFileSync(
      join(app, 'app.ts'),
      `import { type Tensor, tensor2d, useBackend } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { sequential } from '@neurite/model';
import { Swish } from '@stranger/layer-swish';
await useBackend('cpu');
const model = sequential([new Swish({ inputShape: [2] }), new Dense({ units: 1 })]);
const y: Tensor = model.predict(tensor2d([[1, 2]]));
console.log(y.shape);
`,
    );
    ok(app, 'npx tsc -p tsconfig.json');
  });

  it("runs every command of the plugin guide's walkthrough", () => {
    const guide = readFileSync(join(root, 'docs', 'guide', 'writing-a-layer-plugin.md'), 'utf8');
    const block = guide.match(/<!-- commands run by test\/create-layer\.test\.ts -->\n```sh\n([\s\S]*?)```/);
    expect(block, 'the guide marks its walkthrough block').not.toBeNull();
    const commands = (block?.[1] ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('cd '));
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands) expect(ran, command).toContain(command);
  });
});
