// A training run's folder: the model (its model.json carries the run's settings and history as
// metadata, so one atomic save keeps them consistent with the weights), plus copies for people and
// other tools: train.json, history.json and, at the end, test.json.
import { link, lstat, mkdir, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { syncFolder } from '@neurite/core/node';
import { type History, MAX_TEMPERATURE, MIN_TEMPERATURE, type Model } from '@neurite/model';
import type { Calibration } from './calibration.js';
import { DATASETS, type DatasetName } from './data.js';
import { UsageError } from './errors.js';
import { readJson, readJsonFile, writeJson } from './io.js';
import { printable } from './terminal.js';

/** The settings a run is made with; --resume takes them from the checkpoint. */
export interface Settings {
  model: string;
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr: number;
  seed: number;
  validationSplit: number;
  augment: boolean;
  /** What --augment applies: 'digits' (@neurite/datasets' digitAugmentation) or 'shifts' (shifts, rotations, zooms; older runs). */
  augmentation?: Augmentation;
  /** The learning rate over the run: 'onecycle' (warm up, then cosine decay) or 'constant' (older runs). */
  schedule?: Schedule;
  /** Label smoothing of the loss's targets; absent (older runs): 0. */
  labelSmoothing?: number;
  /** Whether training (and so predict, eval and visualize for this model) deskews every image by its moments; absent: no. */
  deskew?: boolean;
  /** The images trained on; absent (older runs): mnist. */
  dataset?: DatasetName;
  limit?: number;
  workers?: number;
}

export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'];
export const SCHEDULES = ['onecycle', 'constant'] as const;
export type Schedule = (typeof SCHEDULES)[number];
export const AUGMENTATIONS = ['digits', 'shifts'] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];
const KEY = 'neurite-mnist';

const isInt = (v: unknown, min: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

/** Checks settings read from a file; a field that is wrong names itself. */
export function checkSettings(value: unknown, source: string): Settings {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new UsageError(
      `train: ${source} field ${field}: expected ${expected}, received ${(JSON.stringify(got) ?? 'nothing').slice(0, 80)}. ` +
        'The checkpoint was edited or is corrupt: start a new run with --out.',
    );
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('(top level)', 'an object', value);
  const s = value as Record<string, unknown>;
  if (typeof s.model !== 'string' || s.model === '') fail('model', 'cnn, mlp or a .json file', s.model);
  if (!isInt(s.epochs, 1)) fail('epochs', 'an integer >= 1', s.epochs);
  if (!isInt(s.batchSize, 1)) fail('batchSize', 'an integer >= 1', s.batchSize);
  if (typeof s.optimizer !== 'string' || !OPTIMIZERS.includes(s.optimizer.toLowerCase())) {
    fail('optimizer', OPTIMIZERS.join(', '), s.optimizer);
  }
  if (typeof s.lr !== 'number' || !(s.lr > 0 && s.lr < 10)) fail('lr', 'a number between 0 and 10', s.lr);
  if (!isInt(s.seed, 0)) fail('seed', 'an integer >= 0', s.seed);
  if (typeof s.validationSplit !== 'number' || !(s.validationSplit >= 0 && s.validationSplit < 1)) {
    fail('validationSplit', 'a number in [0, 1)', s.validationSplit);
  }
  if (typeof s.augment !== 'boolean') fail('augment', 'true or false', s.augment);
  if (s.augmentation !== undefined && !(AUGMENTATIONS as readonly unknown[]).includes(s.augmentation)) {
    fail('augmentation', AUGMENTATIONS.join(' or '), s.augmentation);
  }
  if (s.schedule !== undefined && !(SCHEDULES as readonly unknown[]).includes(s.schedule)) {
    fail('schedule', SCHEDULES.join(' or '), s.schedule);
  }
  if (
    s.labelSmoothing !== undefined &&
    !(typeof s.labelSmoothing === 'number' && s.labelSmoothing >= 0 && s.labelSmoothing <= 0.5)
  ) {
    fail('labelSmoothing', 'a number in [0, 0.5]', s.labelSmoothing);
  }
  if (s.deskew !== undefined && typeof s.deskew !== 'boolean') fail('deskew', 'true or false', s.deskew);
  if (s.dataset !== undefined && !(DATASETS as readonly unknown[]).includes(s.dataset)) {
    fail('dataset', DATASETS.join(' or '), s.dataset);
  }
  if (s.limit !== undefined && !isInt(s.limit, 1)) fail('limit', 'an integer >= 1', s.limit);
  if (s.workers !== undefined && !isInt(s.workers, 1)) fail('workers', 'an integer >= 1', s.workers);
  return {
    model: s.model as string,
    epochs: s.epochs as number,
    batchSize: s.batchSize as number,
    optimizer: s.optimizer as string,
    lr: s.lr as number,
    seed: s.seed as number,
    validationSplit: s.validationSplit as number,
    augment: s.augment as boolean,
    ...(s.augmentation !== undefined ? { augmentation: s.augmentation as Augmentation } : {}),
    ...(s.schedule !== undefined ? { schedule: s.schedule as Schedule } : {}),
    ...(s.labelSmoothing !== undefined ? { labelSmoothing: s.labelSmoothing as number } : {}),
    ...(s.deskew !== undefined ? { deskew: s.deskew as boolean } : {}),
    ...(s.dataset !== undefined ? { dataset: s.dataset as DatasetName } : {}),
    ...(s.limit !== undefined ? { limit: s.limit as number } : {}),
    ...(s.workers !== undefined ? { workers: s.workers as number } : {}),
  };
}

/** A history read from a file, or undefined when it is not one (a report then goes without curves). */
export function checkHistory(value: unknown): History | undefined {
  const h = value as History;
  const numbers = (a: unknown) => Array.isArray(a) && a.every((n) => typeof n === 'number');
  if (!h || typeof h !== 'object' || !numbers(h.epoch) || !h.history || typeof h.history !== 'object') return undefined;
  if (Array.isArray(h.history) || !Object.values(h.history).every(numbers)) return undefined;
  return { epoch: [...h.epoch], history: Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, [...v]])) };
}

/** The run's settings and history stored in a loaded model, or (older checkpoints) in train.json. */
export async function runOf(model: Model, dir: string): Promise<{ settings: Settings; history: History }> {
  const meta = Object.hasOwn(model.metadata, KEY) ? (model.metadata[KEY] as Record<string, unknown>) : undefined;
  if (meta !== undefined) {
    if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
      throw new UsageError(
        `train: ${dir}/model.json metadata['${KEY}'] must be an object of settings and history; it is ${Array.isArray(meta) ? 'a list' : String(meta)}. ` +
          'The checkpoint was edited or is corrupt: start a new run with --out.',
      );
    }
    return {
      settings: checkSettings(meta.settings, `${dir}/model.json metadata['${KEY}'].settings`),
      history: checkHistory(meta.history) ?? { epoch: [], history: {} },
    };
  }
  const file = await readJsonFile<unknown>(join(dir, 'train.json'), { followLinks: false });
  if (!file.ok) {
    throw new UsageError(
      file.missing
        ? `train: ${dir} is not a training checkpoint (its model.json has no run settings, and there is no train.json). ` +
            'Pass the --out folder of an earlier train.'
        : `train: ${dir}/train.json cannot be read: ${file.reason}. The checkpoint was edited or is corrupt: start a new run with --out.`,
    );
  }
  return {
    settings: checkSettings(file.value, `${dir}/train.json`),
    history: checkHistory(await readJson<unknown>(dir, 'history.json')) ?? { epoch: [], history: {} },
  };
}

/** The dataset a model was trained on, from the run settings saved with it (mnist when it says none). */
export function datasetOf(model: Model): DatasetName {
  const meta = Object.hasOwn(model.metadata, KEY)
    ? (model.metadata[KEY] as { settings?: { dataset?: unknown } })
    : undefined;
  const d = meta && typeof meta === 'object' ? meta.settings?.dataset : undefined;
  return (DATASETS as readonly unknown[]).includes(d) ? (d as DatasetName) : 'mnist';
}

/**
 * The temperature train fitted for a model (1 when it has none: a model from before calibration, or one
 * trained without held-out images). A model folder may come from anyone: a value that is not a number in
 * [MIN_TEMPERATURE, MAX_TEMPERATURE] is refused, not used.
 */
export function temperatureOf(model: Model, command: string, source: string): number {
  const meta = Object.hasOwn(model.metadata, KEY) ? (model.metadata[KEY] as Record<string, unknown>) : undefined;
  if (!meta || typeof meta !== 'object' || !Object.hasOwn(meta, 'calibration')) return 1;
  const c = meta.calibration as { temperature?: unknown } | null;
  const t = c && typeof c === 'object' ? c.temperature : undefined;
  if (typeof t !== 'number' || !(t >= MIN_TEMPERATURE && t <= MAX_TEMPERATURE)) {
    throw new UsageError(
      `${command}: ${source}/model.json metadata['${KEY}'].calibration.temperature must be a number from ` +
        `${MIN_TEMPERATURE} to ${MAX_TEMPERATURE}; received ${(JSON.stringify(t) ?? 'nothing').slice(0, 40)}. ` +
        'The model was edited or is corrupt: train it again.',
    );
  }
  return t;
}

/** Whether a model was trained on deskewed images (train --deskew), so that its inputs must be deskewed too. */
export function deskewOf(model: Model): boolean {
  const meta = Object.hasOwn(model.metadata, KEY)
    ? (model.metadata[KEY] as { settings?: { deskew?: unknown } })
    : undefined;
  return (meta && typeof meta === 'object' ? meta.settings?.deskew : undefined) === true;
}

/** A history stored with a model (visualize's curves), else the folder's history.json. */
export async function historyOf(model: Model, dir: string): Promise<History | undefined> {
  const meta = Object.hasOwn(model.metadata, KEY) ? (model.metadata[KEY] as { history?: unknown }) : undefined;
  return checkHistory(meta?.history) ?? checkHistory(await readJson<unknown>(dir, 'history.json'));
}

/** Saves the model with the run's settings and history (one atomic save), then the readable copies. */
export async function saveCheckpoint(
  model: Model,
  out: string,
  settings: Settings,
  history: History,
  calibration?: Calibration,
) {
  model.metadata = { ...model.metadata, [KEY]: { settings, history, ...(calibration ? { calibration } : {}) } };
  await model.save(out, { includeOptimizer: true });
  await writeJson(out, 'history.json', history);
  await writeJson(out, 'train.json', settings);
}

const RUN_FILES = ['history.json', 'train.json', 'test.json', 'report.html', 'report'];
const BINARY = /^(weights|optimizer)(-[0-9a-f]{12})?\.bin$/;

/**
 * Checks, before any training, that `out` holds nothing a save or keepPrevious() could not replace or
 * link: model.json, the binaries and the run's files must be regular files where they exist (a folder
 * or a link there would fail the save after a whole epoch).
 */
export async function checkOutFolder(command: string, out: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(out);
  } catch {
    return; // checkWritable() has made or refused it
  }
  for (const name of names) {
    const ours = name === 'model.json' || BINARY.test(name) || (RUN_FILES.includes(name) && name !== 'report');
    if (!ours) continue;
    const entry = await lstat(join(out, name));
    if (!entry.isFile() || entry.isSymbolicLink()) {
      const what = entry.isSymbolicLink() ? 'a symbolic link' : entry.isDirectory() ? 'a folder' : 'not a regular file';
      throw new UsageError(
        `${command}: ${printable(join(out, name), { oneLine: true })} is ${what}; a save writes a file of that name there. ` +
          'Remove it, or choose another --out.',
      );
    }
  }
}

/**
 * Keeps the model already in `out` (and its run's files) in `out/previous-<time>/`, so a new run never
 * replaces a model without keeping it. Crash-safe: model.json and its binaries are hard-linked into the
 * new folder, model.json last, while `out` stays as it was, so `out` loads at every moment, and the copy
 * loads once it has its model.json. The next save in `out` then replaces the model there. The run's
 * other files (history, settings, test results, report) are moved. Returns the new folder.
 */
export async function keepPrevious(out: string): Promise<string> {
  const stamp = new Date()
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d+Z$/, '');
  let kept = join(out, `previous-${stamp}`);
  for (
    let i = 2;
    await stat(kept).then(
      () => true,
      () => false,
    );
    i++
  )
    kept = join(out, `previous-${stamp}-${i}`);
  await mkdir(kept);
  const names = await readdir(out);
  for (const n of names.filter((n) => BINARY.test(n))) await link(join(out, n), join(kept, n));
  await syncFolder(kept);
  await link(join(out, 'model.json'), join(kept, 'model.json'));
  await syncFolder(kept);
  for (const n of RUN_FILES) if (names.includes(n)) await rename(join(out, n), join(kept, n));
  await syncFolder(out);
  return kept;
}
