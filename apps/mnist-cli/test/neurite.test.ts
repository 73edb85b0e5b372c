// The neurite command as a user runs it: a process, real files. Models are made here (a small CNN saved
// as a Neurite folder and as a TensorFlow.js layers folder); what the process prints is compared with
// what the same model predicts in this process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setSeed, tensor, useBackend } from '@neurite/core';
import { saveLayersModel } from '@neurite/interchange/node';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '@neurite/layers';
import { sequential } from '@neurite/model';
import * as ort from 'onnxruntime-web';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/chromium.js';

const bin = fileURLToPath(new URL('../dist/neurite.js', import.meta.url));
const shots = fileURLToPath(new URL('../../../test-output/', import.meta.url));
// A Keras 2 model from npm (MIT): a 2x super-resolution CNN, converted by the TensorFlow.js converter.
const upscaler = fileURLToPath(new URL('../../../node_modules/@upscalerjs/default-model/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'neurite-bin-'));
const at = (...p: string[]) => join(work, ...p);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// A 12 x 12 grey image, the model's input size (so no resizing), and its pixels as the model sees them.
const side = 12;
const grey = Uint8Array.from({ length: side * side }, (_, i) => (i * 53 + 17) % 256);
let want: number[];

beforeAll(async () => {
  await useBackend('cpu');
  setSeed(7);
  const net = sequential(
    [
      new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [side, side, 1], name: 'conv' }),
      new MaxPooling2D({ poolSize: 2, name: 'pool' }),
      new Flatten({ name: 'flat' }),
      new Dense({ units: 3, activation: 'softmax', name: 'probs' }),
    ],
    { name: 'tiny' },
  );
  await net.save(at('tiny'));
  await saveLayersModel(net, at('tiny-tfjs'));
  const x = tensor(
    Float32Array.from(grey, (g) => g / 255),
    [1, side, side, 1],
  );
  want = Array.from(await net.predict(x).data());
  x.dispose();
  net.dispose();
  const png = new PNG({ width: side, height: side });
  for (const [i, g] of grey.entries()) png.data.set([g, g, g, 255], i * 4);
  writeFileSync(at('in.png'), PNG.sync.write(png));
  // A model whose input is no image.
  const flat = sequential([new Dense({ units: 2, inputShape: [5], name: 'd' })], { name: 'flat' });
  await saveLayersModel(flat, at('flat'));
  flat.dispose();
  // A few hundred bytes that describe layers making 2.3 billion values per image.
  mkdirSync(at('huge'));
  const layer = {
    class_name: 'UpSampling2D',
    config: { name: 'up', size: [4000, 4000], batch_input_shape: [null, 12, 12, 1] },
  };
  const topology = {
    class_name: 'Sequential',
    config: { name: 'huge', layers: [layer] },
    keras_version: 'tfjs-layers 4.22.0',
  };
  writeFileSync(
    at('huge', 'model.json'),
    JSON.stringify({ format: 'layers-model', modelTopology: topology, weightsManifest: [] }),
  );
  // ... and one whose pooling window makes a few million outputs cost 10^13 reads.
  mkdirSync(at('slow'));
  const pool = {
    class_name: 'MaxPooling2D',
    config: {
      name: 'p',
      pool_size: [2000, 2000],
      strides: [1, 1],
      padding: 'same',
      batch_input_shape: [null, 3000, 3000, 1],
    },
  };
  const gmp = { class_name: 'GlobalMaxPooling2D', config: { name: 'g' } };
  const slow = {
    class_name: 'Sequential',
    config: { name: 'slow', layers: [pool, gmp] },
    keras_version: 'tfjs-layers 4.22.0',
  };
  writeFileSync(
    at('slow', 'model.json'),
    JSON.stringify({ format: 'layers-model', modelTopology: slow, weightsManifest: [] }),
  );
  writeFileSync(at('odd-labels.json'), JSON.stringify({ 0: 'a', 1: { toString: 1 }, 2: 'c' }));
  execFileSync('mkfifo', [at('pipe.onnx')]);
  // 70 MB of uint8 weights: 280 MB once read, over the default cap.
  mkdirSync(at('bigq'));
  const big = { class_name: 'Dense', config: { name: 'd', units: 70_000, batch_input_shape: [null, 1000] } };
  const q = { dtype: 'uint8', min: 0, scale: 1 };
  const weights = [{ name: 'd/kernel', shape: [1000, 70_000], dtype: 'float32', quantization: q }];
  const bigTopology = { class_name: 'Sequential', config: { name: 'bigq', layers: [big] } };
  writeFileSync(
    at('bigq', 'model.json'),
    JSON.stringify({
      format: 'layers-model',
      modelTopology: bigTopology,
      weightsManifest: [{ paths: ['w.bin'], weights }],
    }),
  );
});

const scores = (out: string) => {
  const [r] = JSON.parse(out) as { top: { index: number; score: number }[] }[];
  return Object.fromEntries((r?.top ?? []).map((t) => [t.index, t.score]));
};
const expectScores = (out: string) => {
  const got = scores(out);
  expect(Object.keys(got)).toHaveLength(3);
  for (const [i, s] of Object.entries(got)) expect(s).toBeCloseTo(want[Number(i)] as number, 4);
};

describe('neurite', () => {
  it('prints help for every command, and answers bad usage with one line and exit code 2', () => {
    for (const c of ['inspect', 'convert', 'predict', 'visualize']) {
      const r = run(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: neurite ${c}`);
    }
    const cases: [string[], string][] = [
      [['fly'], "neurite: unknown command 'fly'. Expected one of: inspect, convert, predict, visualize."],
      [['inspect'], 'neurite: inspect: give one model folder'],
      [['predict', at('tiny')], 'neurite: predict: give a model and at least one image'],
      [
        ['convert', at('tiny'), '--to', 'h5', '--out', at('x')],
        'neurite: convert: --to must be one of neurite, tfjs-layers, keras',
      ],
      [['convert', at('tiny'), '--to', 'keras'], 'neurite: convert: say where the converted model goes'],
      [['predict', at('tiny'), at('in.png'), '--range', '1:1'], 'neurite: predict: --range must be lo:hi'],
      [
        ['predict', at('tiny'), at('in.png'), '--wat'],
        "neurite: predict: unknown option '--wat'. Run neurite predict --help",
      ],
      [['inspect', at('nothing')], 'does not exist. Give a model folder'],
      [
        ['predict', '--backend', 'cpu', at('flat'), at('in.png')],
        "neurite: predict: the model's input is [5]; an image input is",
      ],
      [
        ['visualize', '--backend', 'cpu', at('huge'), at('in.png'), '--out', at('v2')],
        'visualize: the model and its layers hold values numbering 2,304,000,144 for one input',
      ],
    ];
    cases.push(
      [['inspect', '--backend', 'cpu', at('bigq')], 'as float32 (the limit; raise it with --max-weights-mb <n>'],
      [
        ['predict', '--backend', 'cpu', at('slow'), at('in.png')],
        'predict: the model costs multiply-adds numbering about',
      ],
      [
        ['predict', '--backend', 'cpu', '--labels', at('odd-labels.json'), at('tiny'), at('in.png')],
        'predict: --labels',
      ],
      [
        ['convert', '--backend', 'cpu', at('tiny'), '--to', 'onnx', '--out', at('pipe.onnx')],
        'exists and is not a regular file',
      ],
      [
        ['convert', '--backend', 'cpu', at('tiny'), '--to', 'tfjs-layers', '--out', at('in.png')],
        'exists and is not a folder',
      ],
    );
    for (const [args, message] of cases) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
      expect(r.err).toContain(message);
    }
    // The FIFO is still a FIFO: nothing was renamed over it.
    expect(statSync(at('pipe.onnx')).isFIFO()).toBe(true);
  });

  it('inspect describes both formats; a graph model or a corrupt file fails with one line', () => {
    const r = run('inspect', '--backend', 'cpu', at('tiny-tfjs'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('tiny: a TensorFlow.js layers model saved by tfjs-layers');
    expect(r.out).toMatch(/input:\s+input \[batch, 12, 12, 1\]/);
    expect(r.out).toMatch(/conv \(Conv2D\)\s+\[null, 10, 10, 4\]\s+40/);
    expect(r.out).toMatch(/weights:\s+4 arrays, 1,372 bytes in 1 file\(s\): 4 float32/);
    const j = JSON.parse(run('inspect', '--json', '--backend', 'cpu', at('tiny')).out);
    expect(j).toMatchObject({ name: 'tiny', format: 'neurite', totalParams: 343, layers: 4 });
    mkdirSync(at('graph'));
    writeFileSync(at('graph', 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: {} }));
    mkdirSync(at('broken'));
    writeFileSync(
      at('broken', 'model.json'),
      '{"format": "layers-model", "modelTopology": {"class_name": "Sequential"}}',
    );
    for (const [dir, msg] of [
      ['graph', /graph model is a frozen TensorFlow graph/],
      ['broken', /modelTopology\.config\.layers must list/],
    ] as const) {
      const bad = run('inspect', '--backend', 'cpu', at(dir));
      expect(bad.code).toBe(1);
      expect(bad.err.trim().split('\n')).toHaveLength(1);
      expect(bad.err).toMatch(msg);
    }
  });

  for (const backend of ['cpu', 'wasm', 'webgpu']) {
    it(`predict on ${backend}: the scores this process computes, from either format`, () => {
      for (const dir of ['tiny', 'tiny-tfjs']) {
        const r = run('predict', '--json', '--backend', backend, at(dir), at('in.png'));
        expect(r.code, r.err).toBe(0);
        expectScores(r.out);
      }
    });
  }

  it('convert: Neurite -> Keras -> tfjs-layers -> Neurite keeps the predictions; labels name the classes', () => {
    const steps: [string, string, string][] = [
      ['tiny', 'keras', 'k'],
      ['k', 'tfjs-layers', 't'],
      ['t', 'neurite', 'n'],
    ];
    for (const [from, to, out] of steps) {
      // The destination by --out, or (the last step) after the model.
      const dest = out === 'n' ? [at(out)] : ['--out', at(out)];
      const r = run('convert', '--backend', 'cpu', at(from), ...dest, '--to', to);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`-> ${to}, written to`);
      expectScores(run('predict', '--json', '--backend', 'cpu', at(out), at('in.png')).out);
    }
    writeFileSync(at('labels.json'), JSON.stringify(['cat', 'dog', 'owl']));
    const best = want.indexOf(Math.max(...want));
    const r = run('predict', '--backend', 'cpu', '--labels', at('labels.json'), at('n'), at('in.png'));
    expect(r.out.trim()).toMatch(new RegExp(`^.*in\\.png: ${['cat', 'dog', 'owl'][best]}  \\(`));
    writeFileSync(at('two.json'), JSON.stringify(['cat', 'dog']));
    const wrong = run('predict', '--backend', 'cpu', '--labels', at('two.json'), at('n'), at('in.png'));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("it names 2 classes; the model's output has 3");
  });

  it('visualize writes every layer and the report', () => {
    const r = run('visualize', '--backend', 'cpu', at('tiny-tfjs'), '--image', at('in.png'), '--out', at('vis'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/wrote 5 PNGs/);
    expect(readdirSync(at('vis', 'layers')).sort()).toEqual([
      '01-conv.png',
      '02-pool.png',
      '03-flat.png',
      '04-probs.png',
      'input.png',
    ]);
    const html = readFileSync(at('vis', 'report.html'), 'utf8');
    for (const name of ['conv', 'pool', 'flat', 'probs']) expect(html).toContain(`data-layer="${name}"`);
  });

  it('convert --to onnx: a file onnxruntime-web runs, with the same scores', async () => {
    const r = run('convert', '--backend', 'cpu', at('tiny'), '--to', 'onnx', '--out', at('onnx', 'tiny.onnx'));
    expect(r.code, r.err).toBe(0);
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(readFileSync(at('onnx', 'tiny.onnx')));
    const x = new ort.Tensor(
      'float32',
      Float32Array.from(grey, (g) => g / 255),
      [1, side, side, 1],
    );
    const y = (await session.run({ [session.inputNames[0] as string]: x }))[session.outputNames[0] as string];
    const got = Array.from(y?.data as Float32Array);
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i] as number, 5);
    await session.release();
  });

  it('a Keras model from npm: inspect names it, visualize draws every layer (no prediction: it makes images)', async () => {
    const models = join(upscaler, 'models');
    const open = run('inspect', '--backend', 'wasm', models);
    expect(open.code).toBe(2);
    expect(open.err).toContain(
      "the model's input 'LR' is [null, null, 3], with open dimensions. Give them with --input-shape",
    );
    const r = run('inspect', '--backend', 'wasm', '--input-shape', '32,32,3', models);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('generator: a TensorFlow.js layers model converted from Keras 2');
    expect(r.out).toMatch(/made by:\s+keras v2\.10\.0, converted by TensorFlow\.js Converter/);
    expect(r.out).toMatch(/output:\s+SR \[batch, 64, 64, 3\]/);
    expect(r.out).toContain('Total params: 222,075');
    // A 32 x 32 corner of the package's own sample picture; the input's open size follows the image.
    const sample = PNG.sync.read(readFileSync(join(upscaler, 'assets', 'fixture.png')));
    const crop = new PNG({ width: 32, height: 32 });
    for (let y = 0; y < 32; y++)
      sample.data.copy(crop.data, y * 32 * 4, ((y + 40) * sample.width + 40) * 4, ((y + 40) * sample.width + 72) * 4);
    writeFileSync(at('flower.png'), PNG.sync.write(crop));
    const v = run(
      'visualize',
      '--backend',
      'wasm',
      '--range',
      '0:255',
      models,
      at('flower.png'),
      '--out',
      at('upscaled'),
    );
    expect(v.code, v.err).toBe(0);
    expect(v.out).toContain('output: [batch, 64, 64, 3] (not a classifier: no prediction section)');
    expect(readdirSync(at('upscaled', 'layers'))).toHaveLength(24);
    const html = readFileSync(at('upscaled', 'report.html'), 'utf8');
    expect(html).not.toContain('class="prediction"');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(at('upscaled', 'report.html')).href);
      const names = await page.$$eval('.layer', (els) => els.map((e) => e.getAttribute('data-layer')));
      expect(names).toHaveLength(23);
      expect(names[0]).toBe('F_m1');
      expect(names[22]).toBe('SR');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'keras-upscaler-report.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
