import { existsSync, lstatSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { liveTensors, setSeed } from '@neurite/core';
import { type Callback, type History, loadModel, type Model, progressReporter } from '@neurite/model';
import { getOptimizer } from '@neurite/optimizers';
import { writeLayerPngs, writeReport } from '@neurite/viz/node';
import { augmentedInWorker, heldOutBatches } from '../augment.js';
import { startBackend } from '../backend.js';
import { type Calibration, calibrate } from '../calibration.js';
import { checkOutFolder, keepPrevious, runOf, type Settings, saveCheckpoint } from '../checkpoint.js';
import { classNames, datasetTitle, loadImages } from '../data.js';
import { UsageError } from '../errors.js';
import { checkWritable, writeJson } from '../io.js';
import { buildModel, checkMnistModel, checkTrainingBatch, inferenceBatch } from '../models.js';
import { home, rememberModel } from '../paths.js';
import { progressPrinter } from '../progress.js';
import { DEFAULT_RECIPE, learningRate, MNIST_TRAIN_IMAGES } from '../recipe.js';
import { buildReport } from '../report.js';
import { inline, print, shellWord } from '../terminal.js';
import { RUN_FLAGS, readTrainFlags, trainHelp } from './train-flags.js';

export async function train(argv: string[]): Promise<number> {
  const { help, given, resumeDir, out, backend, report } = readTrainFlags(argv);
  if (help) {
    print(trainHelp);
    return 0;
  }
  // A bad --model file fails now; layers allocate nothing until the model is built.
  const fresh = resumeDir ? undefined : await buildModel(given.model ?? 'cnn');

  const info = await startBackend(backend);
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
  if (report && reportDir && (reportDir.isSymbolicLink() || !reportDir.isDirectory())) {
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
    if (report) {
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
