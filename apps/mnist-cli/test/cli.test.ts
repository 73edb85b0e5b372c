import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { draw, jpg, png, testDigit } from './digits.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'neurite-cli-'));
const env = { ...process.env, NEURITE_HOME: join(work, 'home'), NEURITE_BACKEND: 'wasm' };

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('neurite-mnist usage', () => {
  it('prints help for every command', () => {
    for (const c of ['train', 'eval', 'predict', 'visualize', 'info']) {
      const r = run(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: neurite-mnist ${c}`);
    }
    expect(run('--help').out).toContain('Commands:');
  });

  it('answers bad usage with one line and exit code 2, writing nothing', () => {
    const out = join(work, 'never');
    const cases: [string[], string][] = [
      [[], ''],
      [['fly'], "neurite-mnist: unknown command 'fly'. Expected one of: train, eval, predict, visualize, info."],
      [['train', '--epoch', '2', '--out', out], "neurite-mnist: train: unknown option '--epoch'"],
      [
        ['train', '--epochs', '0', '--out', out],
        'neurite-mnist: train: --epochs must be an integer >= 1. Received: --epochs 0.',
      ],
      [
        ['train', '--workers', '0', '--out', out],
        'neurite-mnist: train: --workers must be an integer >= 1, or auto. Received: --workers 0.',
      ],
      [
        ['train', '--workers', 'two', '--out', out],
        'neurite-mnist: train: --workers must be an integer >= 1, or auto. Received: --workers two.',
      ],
      [
        ['train', '--backend', 'webgl', '--out', out],
        "neurite-mnist: unknown backend 'webgl'. Expected one of: auto, cpu, wasm, webgpu. Received: --backend webgl.",
      ],
      [['predict'], 'neurite-mnist: predict: give at least one image file'],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      if (message) {
        expect(r.err.trim().split('\n')).toHaveLength(1);
        expect(r.err).toContain(message);
        expect(r.err).not.toMatch(/\n\s+at /);
      }
    }
    expect(existsSync(out)).toBe(false);
  });

  it('info lists the backends, the choice and why', () => {
    const r = run('info', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.backends.map((b: { name: string }) => b.name).sort()).toEqual(['cpu', 'wasm', 'webgpu']);
    expect(j.chosen.name).toBe('wasm');
    expect(j.versions['@neurite/core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(run('info', '--backend', 'cpu').out).toContain('chosen: cpu');
  });
});

describe('train, eval and predict', () => {
  const model = join(work, 'model');

  beforeAll(() => {
    const r = run('train', '--limit', '6000', '--epochs', '1', '--batch-size', '32', '--out', model);
    expect(r.code, r.err).toBe(0);
  }, 300_000);

  it('trains, reports progress and test accuracy, and writes the model and its history', () => {
    const json = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    for (const f of [json.weights.file, json.optimizer.file, 'history.json', 'train.json', 'test.json']) {
      expect(existsSync(join(model, f)), f).toBe(true);
    }
    // The defaults: digit augmentation, a one-cycle learning rate on a scale of 0.005, label smoothing 0.1.
    expect(json.metadata['neurite-mnist'].settings).toMatchObject({
      epochs: 1,
      batchSize: 32,
      limit: 6000,
      augment: true,
      augmentation: 'digits',
      schedule: 'onecycle',
      lr: 0.005,
      labelSmoothing: 0.1,
    });
    const test = JSON.parse(readFileSync(join(model, 'test.json'), 'utf8'));
    expect(test.accuracy).toBeGreaterThan(0.9);
    const history = JSON.parse(readFileSync(join(model, 'history.json'), 'utf8'));
    expect(history.history.loss).toHaveLength(1);
  });

  it('evaluates with per-class accuracy and a confusion matrix', () => {
    const r = run('eval', '--model', model, '--limit', '500', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.images).toBe(500);
    expect(j.perClass).toHaveLength(10);
    expect(j.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(500);
    expect(j.accuracy).toBeGreaterThan(0.85);
    // Without --model: the model the last train wrote.
    const table = run('eval', '--limit', '200');
    expect(table.code).toBe(0);
    expect(table.out).toContain('confusion matrix (rows: true digit, columns: predicted)');
  });

  it('reads digits drawn as a user would: PNG and JPEG, any colours, alpha, off-centre, 64x64', () => {
    const dir = mkdtempSync(join(work, 'digits-'));
    const files: string[] = [];
    const labels: number[] = [];
    const styles = [
      { name: 'dark-on-white.png', d: {}, enc: png },
      { name: 'big-offcentre.png', d: { size: 96, scale: 3, offset: [30, 2] as [number, number] }, enc: png },
      {
        name: 'light-on-dark.png',
        d: { ink: [250, 250, 250] as [number, number, number], paper: [0, 0, 0] as [number, number, number] },
        enc: png,
      },
      { name: 'transparent.png', d: { transparentPaper: true }, enc: png },
      {
        name: 'blue-on-yellow.jpg',
        d: { ink: [20, 40, 200] as [number, number, number], paper: [250, 240, 120] as [number, number, number] },
        enc: jpg,
      },
    ];
    for (let i = 0; i < 10; i++) {
      const { pixels, label } = testDigit(i);
      const s = styles[i % styles.length];
      const f = join(dir, `${i}-${s.name}`);
      writeFileSync(f, s.enc(draw(pixels, s.d)));
      files.push(f);
      labels.push(label);
    }
    const r = run('predict', '--model', model, '--json', ...files);
    expect(r.code, r.err).toBe(0);
    const got = JSON.parse(r.out) as { digit: number; top3: { probability: number }[] }[];
    const correct = got.filter((g, i) => g.digit === labels[i]).length;
    expect(correct, JSON.stringify(got.map((g) => g.digit)) + ' vs ' + JSON.stringify(labels)).toBeGreaterThanOrEqual(
      9,
    );
    expect(got[0].top3).toHaveLength(3);
    const text = run('predict', '--model', model, files[0]);
    expect(text.out).toMatch(new RegExp(`0-dark-on-white.png: ${labels[0]}  \\(${labels[0]} [0-9.]+%`));
  });

  it('calibrates the model on its held-out images, and eval and predict use the temperature', () => {
    const json = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    const calibration = json.metadata['neurite-mnist'].calibration;
    // 600 held-out images (10% of 6,000); label smoothing makes the raw model under-confident: T < 1.
    expect(calibration.heldOut).toBe(600);
    expect(calibration.temperature).toBeGreaterThan(0.2);
    expect(calibration.temperature).toBeLessThan(1);
    expect(calibration.testEce).toBeLessThan(calibration.testEceBefore);
    expect(JSON.parse(readFileSync(join(model, 'test.json'), 'utf8')).calibration).toEqual(calibration);
    const e = JSON.parse(run('eval', '--model', model, '--limit', '1000', '--json').out);
    expect(e.temperature).toBe(calibration.temperature);
    expect(e.expectedCalibrationError).toBeLessThan(0.05);
    expect(run('eval', '--model', model, '--limit', '200').out).toMatch(
      /expected calibration error: 0\.[0-9]{3} \(at the model's temperature 0\.[0-9]{3}\)/,
    );
  });

  it('predict --tta averages views of each digit; a tampered temperature is refused', () => {
    const dir = mkdtempSync(join(work, 'tta-'));
    const files = Array.from({ length: 10 }, (_, i) => {
      const f = join(dir, `${i}.png`);
      writeFileSync(f, png(draw(testDigit(i).pixels, {})));
      return f;
    });
    const plain = JSON.parse(run('predict', '--model', model, '--json', ...files).out);
    const tta = run('predict', '--model', model, '--json', '--tta', ...files);
    expect(tta.code, tta.err).toBe(0);
    const got = JSON.parse(tta.out) as { digit: number; top3: { probability: number }[] }[];
    expect(got.filter((g, i) => g.digit === testDigit(i).label).length).toBeGreaterThanOrEqual(9);
    // Averaged views give other probabilities than the digit alone, still summing to at most 1.
    expect(got.map((g) => g.top3[0].probability)).not.toEqual(plain.map((g: (typeof got)[0]) => g.top3[0].probability));
    for (const g of got) expect(g.top3.reduce((a, t) => a + t.probability, 0)).toBeLessThanOrEqual(1 + 1e-6);
    expect(run('predict', '--help').out).toContain('--tta');

    const tampered = join(work, 'tampered');
    spawnSync('cp', ['-r', model, tampered]);
    const j = JSON.parse(readFileSync(join(tampered, 'model.json'), 'utf8'));
    for (const t of [1e9, 'hot', null]) {
      j.metadata['neurite-mnist'].calibration.temperature = t;
      writeFileSync(join(tampered, 'model.json'), JSON.stringify(j));
      const r = run('predict', '--model', tampered, files[0]);
      expect(r.code).toBe(2);
      expect(r.err.trim()).toBe(
        `neurite-mnist: predict: ${tampered}/model.json metadata['neurite-mnist'].calibration.temperature must be a number from 0.05 to 20; ` +
          `received ${JSON.stringify(t)}. The model was edited or is corrupt: train it again.`,
      );
    }
  });

  it('gives one clear line for a missing file, a non-image, and a model folder without weights', () => {
    const notImage = join(work, 'notes.png');
    writeFileSync(notImage, 'hello');
    const missing = run('predict', '--model', model, join(work, 'nope.png'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read');
    const bad = run('predict', '--model', model, notImage);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('is not a PNG or JPEG image (it starts with bytes 68 65 6c 6c)');
    const broken = join(work, 'broken');
    spawnSync('cp', ['-r', model, broken]);
    const file = JSON.parse(readFileSync(join(broken, 'model.json'), 'utf8')).weights.file;
    rmSync(join(broken, file));
    const r = run('eval', '--model', broken);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(
      `neurite-mnist: Cannot load the model at ${broken}: ${file} is missing. Copy it next to model.json, or save the model again.`,
    );
  });
});

describe('train options', () => {
  it('trains a model described in a JSON file, with augmentation, and rejects a bad one', () => {
    const spec = join(work, 'tiny.json');
    writeFileSync(
      spec,
      JSON.stringify({
        layers: [
          { className: 'Flatten', config: { inputShape: [28, 28, 1] } },
          { className: 'Dense', config: { units: 10, activation: 'softmax' } },
        ],
      }),
    );
    const out = join(work, 'tiny');
    const r = run(
      'train',
      '--model',
      spec,
      '--augment',
      '--limit',
      '600',
      '--epochs',
      '1',
      '--optimizer',
      'sgd',
      '--lr',
      '0.1',
      '--out',
      out,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('flatten');
    expect(r.out).toMatch(/test accuracy: [0-9.]+%/);
    const bad = join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ layers: [{ className: 'Dense9', config: {} }] }));
    const b = run('train', '--model', bad, '--out', join(work, 'bad-out'));
    // A bad --model file is bad usage (exit 2), with the layer at fault named.
    expect(b.code).toBe(2);
    expect(b.err).toContain(
      `train: ${bad}: layers[0] ("Dense9"): Unknown layer 'Dense9'. Registered: neurite>Activation`,
    );
    expect(existsSync(join(work, 'bad-out'))).toBe(false);
  });
});

describe('train --deskew', () => {
  it('trains on deskewed digits and says so in the settings; eval and predict deskew for that model', () => {
    const out = join(work, 'deskew');
    const r = run('train', '--deskew', '--limit', '2000', '--epochs', '1', '--no-augment', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'train.json'), 'utf8')).deskew).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'test.json'), 'utf8')).accuracy).toBeGreaterThan(0.8);
    const e = JSON.parse(run('eval', '--model', out, '--limit', '500', '--json').out);
    expect(e.accuracy).toBeGreaterThan(0.8);
    const f = join(work, 'deskew-digit.png');
    writeFileSync(f, png(draw(testDigit(0).pixels, {})));
    const p = run('predict', '--model', out, '--json', f);
    expect(p.code, p.err).toBe(0);
    // --resume keeps a run's deskewing: asking for it on a run without (the first test's model) conflicts.
    const plain = join(work, 'model');
    expect(existsSync(join(plain, 'model.json'))).toBe(true);
    const c = run('train', '--resume', plain, '--deskew', '--epochs', '2');
    expect(c.code).toBe(2);
    expect(c.err).toContain('these flags differ: --deskew true (the checkpoint has none)');
  });
});

describe('train --workers', () => {
  it('trains with 2 threads on wasm and says so; refuses webgpu with a fix', () => {
    const out = join(work, 'workers');
    const r = run('train', '--workers', '2', '--limit', '2000', '--epochs', '1', '--no-augment', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('backend: wasm (');
    expect(r.out).toContain(', 2 training threads');
    expect(r.out).toMatch(/epoch 1\/1: loss [0-9.]+ acc [0-9.]+%/);
    expect(JSON.parse(readFileSync(join(out, 'train.json'), 'utf8')).workers).toBe(2);
    expect(JSON.parse(readFileSync(join(out, 'test.json'), 'utf8')).accuracy).toBeGreaterThan(0.7);
    expect(run('train', '--help').out).toContain('--workers <n|auto>');
    const gpu = run('train', '--backend', 'webgpu', '--workers', '2', '--out', join(work, 'workers-gpu'));
    expect(gpu.code).toBe(2);
    expect(gpu.err.trim()).toBe(
      'neurite-mnist: train: --workers 2 runs on the cpu and wasm backends only; the backend is webgpu. ' +
        'Drop --workers, or add --backend wasm.',
    );
    expect(existsSync(join(work, 'workers-gpu'))).toBe(false);
  }, 300_000);

  it('defaults to one thread per core (up to 4) on wasm, and --workers 1 trains on the main thread alone', () => {
    const threads = Math.min(availableParallelism(), 4);
    const auto = run('train', '--limit', '1000', '--epochs', '1', '--out', join(work, 'workers-auto'));
    expect(auto.code, auto.err).toBe(0);
    if (threads > 1) expect(auto.out).toContain(`, ${threads} training threads`);
    expect(JSON.parse(readFileSync(join(work, 'workers-auto', 'train.json'), 'utf8')).workers).toBe(threads);
    const one = run('train', '--workers', '1', '--limit', '1000', '--epochs', '1', '--out', join(work, 'workers-1'));
    expect(one.code, one.err).toBe(0);
    expect(one.out).not.toContain('training threads');
    expect(JSON.parse(readFileSync(join(work, 'workers-1', 'train.json'), 'utf8')).workers).toBe(1);
  }, 300_000);
});

describe('interrupt and resume', () => {
  it('saves a checkpoint on Ctrl-C and resumes from it', async () => {
    const out = join(work, 'interrupted');
    const child: ChildProcess = spawn(
      process.execPath,
      [cli, 'train', '--limit', '2000', '--epochs', '2', '--out', out],
      { env },
    );
    let stdout = '';
    let sent = false;
    child.stdout?.on('data', (b) => {
      stdout += b;
      if (!sent && /epoch 2\/2 +\d+\/\d+ loss/.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(stdout).toMatch(
      new RegExp(
        `interrupted at epoch 2, batch \\d+: checkpoint saved to ${out} \\(1 full epoch and \\d+ batches\\)\\. ` +
          `Resume with: neurite-mnist train --resume ${out}`,
      ),
    );
    const r = run('train', '--resume', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/after epoch 1, batch \d+ of epoch 2/);
    expect(r.out).toContain('epoch 2/2:');
    expect(JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')).epoch).toEqual([0, 1]);
  }, 300_000);
});

describe('visualize usage', () => {
  it('explains missing or conflicting inputs and bad options', () => {
    const cases: [string[], string][] = [
      [['visualize', '--out', join(work, 'v')], 'visualize: give exactly one input: --image <file> or --index <n>.'],
      [['visualize', '--index', '1'], 'visualize: --out <dir> is required'],
      [
        ['visualize', '--index', '1', '--out', join(work, 'v'), '--colormap', 'jet'],
        'visualize: --colormap must be grey, viridis or diverging. Received: --colormap jet.',
      ],
      [
        ['visualize', '--index', '10000', '--out', join(work, 'v')],
        'visualize: --index must be in 0-9999. Received: --index 10000.',
      ],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain(message);
    }
    expect(existsSync(join(work, 'v'))).toBe(false);
  });
});
