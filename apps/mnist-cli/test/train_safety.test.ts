// train as a careless or hostile user runs it: bad flags caught before any data is read, a model never
// replaced silently, Ctrl-C and SIGTERM resumed bit for bit, names that cannot reach the terminal raw.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '@neurite/core';
import { Conv2D, Dense, Flatten, GlobalAveragePooling2D, type Layer } from '@neurite/layers';
import { sequential } from '@neurite/model';
import { beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'neurite-train-safety-'));
const env = { ...process.env, NEURITE_HOME: join(work, 'home'), NEURITE_BACKEND: 'cpu' };
// A small, fast run that still uses dropout and shuffling: the MLP on 600 images.
const quick = ['--model', 'mlp', '--limit', '600', '--batch-size', '50', '--workers', '1'];

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs train and sends `signal` once the progress shows batch `at` of epoch `epoch`. */
async function interrupt(args: string[], signal: NodeJS.Signals, epoch: number) {
  const child: ChildProcess = spawn(process.execPath, [cli, 'train', ...args], { env });
  let out = '';
  let sent = false;
  child.stdout?.on('data', (b) => {
    out += b;
    if (!sent && new RegExp(`epoch ${epoch}/\\d+ +[1-9]\\d*/\\d+ loss`).test(out)) {
      sent = true;
      child.kill(signal);
    }
  });
  let err = '';
  child.stderr?.on('data', (b) => (err += b));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out, err };
}

const modelJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));

describe('train checks every flag before it reads any data', () => {
  it('refuses a bad --out, --resume or --model at once, with one line and exit 2', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    // An --out whose model.json is a folder, and one whose weights file is a link: a save cannot replace them.
    const blocked = join(work, 'blocked-out');
    mkdirSync(join(blocked, 'model.json'), { recursive: true });
    const linked = join(work, 'linked-out');
    mkdirSync(linked, { recursive: true });
    symlinkSync('/etc/passwd', join(linked, 'weights-0123456789ab.bin'));
    const cases: [string[], string][] = [
      [['--out', file], `neurite-mnist: train: --out must be a folder, and ${file} is a file. Choose another path.`],
      [['--out', ''], "neurite-mnist: train: --out needs a folder. Received: --out ''."],
      [
        ['--out', '/proc/neurite-x'],
        'neurite-mnist: train: cannot write to --out /proc/neurite-x: ENOENT. Choose a folder you can write to.',
      ],
      [
        ['--resume', join(work, 'nothing-here')],
        `neurite-mnist: train: ${join(work, 'nothing-here')} is not a training checkpoint (no model.json).`,
      ],
      [
        ['--model', join(work, 'missing.json')],
        `neurite-mnist: train: cannot read the model file ${join(work, 'missing.json')}`,
      ],
      [
        ['--optimizer', 'constructor'],
        'neurite-mnist: train: --optimizer must be one of sgd, adam, adamw, rmsprop, adagrad.',
      ],
      [['--lr', 'NaN'], 'neurite-mnist: train: --lr must be a number between 0 and 10. Received: --lr NaN.'],
      [
        ['--label-smoothing', '0.7'],
        'neurite-mnist: train: --label-smoothing must be a number from 0 to 0.5 (0 turns it off). Received: --label-smoothing 0.7.',
      ],
      [
        ['--label-smoothing', '1e-2'],
        'neurite-mnist: train: --label-smoothing must be a number from 0 to 0.5 (0 turns it off). Received: --label-smoothing 1e-2.',
      ],
      [
        ['--schedule', 'constructor'],
        'neurite-mnist: train: --schedule must be one of onecycle, constant. Received: --schedule constructor.',
      ],
      [['--augment', '--no-augment'], 'neurite-mnist: train: --augment and --no-augment contradict each other.'],
      [
        ['--limit', '5', ...quick.slice(0, 2)],
        'neurite-mnist: train: --limit 5 with --validation-split 0.1 leaves 5 training and 0 validation images: no ' +
          'image is held out for validation. Raise --limit, or change --validation-split (0 turns validation off).',
      ],
      [
        ['--out', blocked],
        `neurite-mnist: train: ${join(blocked, 'model.json')} is a folder; a save writes a file of that name there. ` +
          'Remove it, or choose another --out.',
      ],
      [
        ['--out', linked],
        `neurite-mnist: train: ${join(linked, 'weights-0123456789ab.bin')} is a symbolic link; a save writes a file ` +
          'of that name there. Remove it, or choose another --out.',
      ],
    ];
    for (const [args, message] of cases) {
      const r = run('train', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
      expect(r.err).toContain(message);
      expect(r.out).not.toContain('data:');
    }
  });

  it('refuses a --model file that would allocate gigabytes or does not end in 10 classes', () => {
    const huge = join(work, 'huge.json');
    writeFileSync(
      huge,
      JSON.stringify({ layers: [{ className: 'Flatten' }, { className: 'Dense', config: { units: 200000 } }] }),
    );
    const r = run('train', '--model', huge, '--out', join(work, 'huge-out'));
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `neurite-mnist: train: ${huge} describes 157000000 parameters; neurite-mnist trains models of up to 25000000. Use fewer or smaller layers.`,
    );
    const wrong = join(work, 'three.json');
    writeFileSync(
      wrong,
      JSON.stringify({ layers: [{ className: 'Flatten' }, { className: 'Dense', config: { units: 3 } }] }),
    );
    expect(run('train', '--model', wrong).err).toContain('ends in output shape [null, 3]; MNIST needs [null, 10]');
    expect(existsSync(join(work, 'huge-out'))).toBe(false);
  });
});

describe('train and the models already on disk', () => {
  it('keeps a model it would replace, says so, and resumes only with the run own settings', () => {
    const out = join(work, 'twice');
    const first = run('train', ...quick, '--epochs', '1', '--out', out);
    expect(first.code, first.err).toBe(0);
    const firstJson = modelJson(out);
    const second = run('train', ...quick, '--epochs', '1', '--seed', '2', '--out', out);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain(`train: ${out} already holds a model; it is kept in ${join(out, 'previous-<time>')}`);
    const kept = readdirSync(out).filter((f) => f.startsWith('previous-'));
    expect(kept).toHaveLength(1);
    expect(modelJson(join(out, kept[0])).weights.checksum).toBe(firstJson.weights.checksum);
    expect(modelJson(out).weights.checksum).not.toBe(firstJson.weights.checksum);
    expect(run('eval', '--model', join(out, kept[0]), '--limit', '100').code).toBe(0);

    const conflict = run('train', '--resume', out, '--lr', '0.1', '--model', 'cnn', '--epochs', '2');
    expect(conflict.code).toBe(2);
    expect(conflict.err.trim()).toBe(
      'neurite-mnist: train: --resume continues a run with its own settings, and these flags differ: ' +
        '--model cnn (the checkpoint has mlp), --lr 0.1 (the checkpoint has 0.005). ' +
        'Drop them (only --epochs, --out, --backend and --report may change), or start a new run with --out.',
    );
  });

  it('caps --workers at the cores here and says so', () => {
    const cores = availableParallelism();
    const r = run(
      'train',
      '--model',
      'mlp',
      '--limit',
      '300',
      '--epochs',
      '1',
      '--workers',
      '99',
      '--out',
      join(work, 'w99'),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`train: --workers 99 is more than the ${cores} cores here; training on ${cores} threads.`);
    expect(modelJson(join(work, 'w99')).metadata['neurite-mnist'].settings.workers).toBe(cores);
  });

  it('explains a broken checkpoint or last.json instead of failing inside', () => {
    const out = join(work, 'legacy');
    expect(run('train', ...quick, '--epochs', '1', '--out', out).code).toBe(0);
    const j = modelJson(out);
    delete j.metadata;
    writeFileSync(join(out, 'model.json'), JSON.stringify(j));
    writeFileSync(
      join(out, 'train.json'),
      JSON.stringify({ ...JSON.parse(readFileSync(join(out, 'train.json'), 'utf8')), optimizer: 42 }),
    );
    const r = run('train', '--resume', out, '--epochs', '2');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `neurite-mnist: train: ${out}/train.json field optimizer: expected sgd, adam, adamw, rmsprop, adagrad, received 42. ` +
        'The checkpoint was edited or is corrupt: start a new run with --out.',
    );
    const home = join(work, 'empty-home');
    mkdirSync(join(home, 'mnist'), { recursive: true });
    writeFileSync(join(home, 'mnist', 'last.json'), '');
    const e = spawnSync(process.execPath, [cli, 'eval'], { env: { ...env, NEURITE_HOME: home }, encoding: 'utf8' });
    expect(e.status).toBe(2);
    expect(e.stderr.trim()).toBe(
      `neurite-mnist: eval: ${join(home, 'mnist', 'last.json')} does not say which model the last train wrote (expected {"model": "<folder>"}). Pass --model <dir>, or train again.`,
    );
  });

  it('prints names from files with their control characters escaped', () => {
    const spec = join(work, 'evil.json');
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'evil\u001b]0;pwned\u0007\u001b[2J',
        layers: [
          { className: 'Flatten', config: { name: 'flat\u001b[31m' } },
          { className: 'Dense', config: { units: 10, activation: 'softmax' } },
        ],
      }),
    );
    const r = run(
      'train',
      '--model',
      spec,
      '--limit',
      '100',
      '--epochs',
      '1',
      '--workers',
      '1',
      '--out',
      join(work, 'evil'),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Model: "evil\\u001b]0;pwned\\u0007\\u001b[2J"');
    expect(r.out).toContain('flat\\u001b[31m (Flatten)');
    expect([...r.out].filter((c) => c === '\u0007' || c === '\u001b')).toEqual([]);
  });
});

describe('Ctrl-C and SIGTERM mid-epoch, then --resume', () => {
  it('resumes bit for bit on cpu, with and without augmentation: the same weights, optimizer state and history', async () => {
    const straight = join(work, 'straight');
    const r = run('train', ...quick, '--no-augment', '--epochs', '3', '--out', straight);
    expect(r.code, r.err).toBe(0);
    const augmented = join(work, 'straight-augmented');
    expect(run('train', ...quick, '--augment', '--epochs', '3', '--out', augmented).code).toBe(0);
    for (const [signal, code, augment] of [
      ['SIGINT', 130, false],
      ['SIGTERM', 143, false],
      ['SIGINT', 130, true],
    ] as const) {
      const out = join(work, `stopped-${signal}-${augment}`);
      const extra = augment ? ['--augment'] : ['--no-augment'];
      const stopped = await interrupt([...quick, ...extra, '--epochs', '3', '--out', out], signal, 2);
      expect(stopped.code, stopped.err).toBe(code);
      expect(stopped.out).toMatch(
        /interrupted at epoch 2, batch \d+: checkpoint saved to .* \(1 full epoch and \d+ batches\)/,
      );
      expect(modelJson(out).training.position.epoch).toBe(1);
      const resumed = run('train', '--resume', out);
      expect(resumed.code, resumed.err).toBe(0);
      const a = modelJson(augment ? augmented : straight);
      const b = modelJson(out);
      expect(b.weights.checksum).toBe(a.weights.checksum);
      expect(b.optimizer.checksum).toBe(a.optimizer.checksum);
      expect(b.optimizer.iterations).toBe(a.optimizer.iterations);
      expect(b.metadata['neurite-mnist'].history).toEqual(a.metadata['neurite-mnist'].history);
      expect(b.training).toEqual({ epochs: 3 });
    }
  }, 300_000);
});

describe('models, checkpoints and output from strangers (a second attack)', () => {
  // Model folders made here with the library, as a stranger would make them.
  async function folder(name: string, layers: Layer[], poison = false): Promise<string> {
    await useBackend('cpu');
    const dir = join(work, 'strangers', name);
    const model = sequential(layers, { name });
    model.build();
    if (poison) model.setWeightValues(model.weights.map((w) => new Float32Array(w.variable.size).fill(Number.NaN)));
    await model.save(dir);
    return dir;
  }
  const digit = join(work, 'digit.png');
  beforeAll(async () => {
    const { draw, png, testDigit } = await import('./digits.js');
    writeFileSync(digit, png(draw(testDigit(0).pixels)));
  });

  it('refuses a model that does not fit MNIST, or would make gigabytes of activations, or holds NaN', async () => {
    const cases: [string, string][] = [
      [
        await folder('wide', [
          new Conv2D({ filters: 20000, kernelSize: 1, inputShape: [28, 28, 1] }),
          new GlobalAveragePooling2D(),
          new Dense({ units: 10, activation: 'softmax' }),
        ]),
        "'s layers produce 15700010 values per image; neurite-mnist handles models of up to 250000. Use fewer filters or units.",
      ],
      [
        await folder('twenty', [new Flatten({ inputShape: [28, 28, 1] }), new Dense({ units: 20 })]),
        ' ends in output shape [null, 20]; MNIST needs [null, 10], one probability per digit.',
      ],
      [
        await folder('small-input', [new Flatten({ inputShape: [14, 14, 1] }), new Dense({ units: 10 })]),
        ' takes inputs of shape [14, 14, 1]; MNIST images are [28, 28, 1]. Use a model made for MNIST.',
      ],
      [
        await folder('nan', [new Flatten({ inputShape: [28, 28, 1] }), new Dense({ units: 10, name: 'out' })], true),
        " has NaN or infinite values in weight 'out/kernel'. Train it again.",
      ],
    ];
    for (const [dir, message] of cases) {
      for (const command of [
        ['predict', '--model', dir, digit],
        ['eval', '--model', dir, '--limit', '10'],
      ]) {
        const r = run(...command);
        expect(r.code, `${command.join(' ')}: ${r.err}`).toBe(2);
        expect(r.err.trim().startsWith(`neurite-mnist: ${command[0]}: ${dir}${message}`), r.err).toBe(true);
      }
    }
  });

  it('reads no checkpoint file through a symbolic link, and writes no report through one', () => {
    const out = join(work, 'linked');
    expect(run('train', ...quick, '--epochs', '1', '--out', out).code).toBe(0);
    const secret = join(work, 'secret.json');
    writeFileSync(secret, JSON.stringify({ model: 'AWS_SECRET=abc123' }));
    const j = modelJson(out);
    delete j.metadata;
    writeFileSync(join(out, 'model.json'), JSON.stringify(j));
    rmSync(join(out, 'train.json'));
    symlinkSync(secret, join(out, 'train.json'));
    const r = run('train', '--resume', out, '--epochs', '2');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `neurite-mnist: train: ${out}/train.json cannot be read: it is a symbolic link. ` +
        'The checkpoint was edited or is corrupt: start a new run with --out.',
    );
    expect(r.err).not.toContain('abc123');
    const victim = join(work, 'victim-dir');
    mkdirSync(victim);
    const other = join(work, 'report-link');
    expect(run('train', ...quick, '--epochs', '1', '--out', other).code).toBe(0);
    symlinkSync(victim, join(other, 'report'));
    const rep = run('train', '--resume', other, '--epochs', '2', '--report');
    expect(rep.code).toBe(2);
    expect(rep.err).toContain(
      `train: ${join(other, 'report')} is a symbolic link; --report writes its PNGs there. Remove it first.`,
    );
    expect(readdirSync(victim)).toEqual([]);
  });

  it('keeps the replaced model without a moment where --out has none', async () => {
    const out = join(work, 'kept-safely');
    expect(run('train', ...quick, '--epochs', '1', '--out', out).code).toBe(0);
    const before = modelJson(out).weights.checksum;
    const { keepPrevious } = await import('../dist/checkpoint.js');
    const kept = await keepPrevious(out);
    // Between keeping and the next save, both folders load the same model.
    for (const dir of [out, kept]) {
      const r = run('eval', '--model', dir, '--limit', '50', '--json');
      expect(r.code, r.err).toBe(0);
      expect(modelJson(dir).weights.checksum).toBe(before);
    }
  });

  it('lets no name print a line of its own, and survives a closed pipe', () => {
    const spec = join(work, 'newlines.json');
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'm\ntest accuracy: 99.99%',
        layers: [
          { className: 'Flatten', config: { name: 'f\nmodel saved: home' } },
          { className: 'Dense', config: { units: 10, activation: 'softmax' } },
        ],
      }),
    );
    const r = run(
      'train',
      '--model',
      spec,
      '--limit',
      '100',
      '--epochs',
      '1',
      '--workers',
      '1',
      '--out',
      join(work, 'nl\nFAKE: test accuracy: 99.99%'),
    );
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.filter((l) => l.startsWith('test accuracy: 99.99%') || l.startsWith('model saved: home'))).toEqual([]);
    // The --out path itself, printed in "model saved to ...": escaped, not a line of its own.
    expect(lines.filter((l) => l.startsWith('FAKE:'))).toEqual([]);
    expect(r.out).toContain(`model saved to ${join(work, 'nl')}\\x0aFAKE: test accuracy: 99.99%`);
    // train | head -1: the reader leaves after one line; training still ends and saves.
    const piped = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${cli}" train ${quick.join(' ')} --epochs 1 --out "${join(work, 'piped')}" | head -1`,
      ],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(piped.stderr).not.toContain('EPIPE');
    expect(existsSync(join(work, 'piped', 'test.json'))).toBe(true);
  });

  it('explains odd homes, empty images, unwritable outputs and values that start with a dash', () => {
    const cases: [string[], NodeJS.ProcessEnv, string][] = [
      [
        ['train', ...quick, '--out', join(work, 'home-null')],
        { NEURITE_HOME: '/dev/null' },
        'neurite-mnist: train: cannot write to NEURITE_HOME /dev/null/mnist: ENOTDIR.',
      ],
      [
        ['visualize', '--image', '', '--out', join(work, 'v1')],
        {},
        "neurite-mnist: visualize: --image needs a file. Received: --image ''.",
      ],
      [
        ['visualize', '--index', '1', '--out', '/proc/self/x'],
        {},
        'neurite-mnist: visualize: cannot write to --out /proc/self/x: ENOENT.',
      ],
      [
        ['train', '--limit', '-5'],
        {},
        "neurite-mnist: train: --limit needs a value, and the argument after it starts with '-'. To give a value that starts with '-', write --limit=<value>.",
      ],
      [['train', '--limit=-5'], {}, 'neurite-mnist: train: --limit must be an integer >= 1. Received: --limit -5.'],
    ];
    for (const [args, extra, message] of cases) {
      const r = spawnSync(process.execPath, [cli, ...args], { env: { ...env, ...extra }, encoding: 'utf8' });
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
      expect(r.stdout).not.toContain('data:');
    }
  });

  it('stops at once on Ctrl-C at the end of training, with the model saved', async () => {
    const out = join(work, 'late-stop');
    const child: ChildProcess = spawn(process.execPath, [cli, 'train', ...quick, '--epochs', '1', '--out', out], {
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (b) => (stderr += b));
    let sent = false;
    child.stdout?.on('data', (b) => {
      stdout += b;
      if (!sent && /epoch 1\/1: loss/.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The stop lands in the last checkpoint (the run ends there, saved), in the test pass (it ends at
    // once, saved), or after it (exit 0): never a wait for more work, never a lost model.
    if (code === 130) expect(stderr).toMatch(/SIGINT: stopping/);
    else expect(code).toBe(0);
    if (code === 130 && stderr.includes('the trained model is saved')) expect(stdout).not.toContain('test accuracy:');
    expect(run('eval', '--model', out, '--limit', '20').code).toBe(0);
  });
});
