// Saving a model to a folder (Node), crash-safe: see saveModel and docs/model-format.md.
import { NeuriteError } from '@neurite/core';
import type { FitModel } from './contract.js';
import { currentFiles, fsModules } from './node_files.js';
import { toArtifacts } from './write.js';

/** The steps of a save, in order, as `SaveOptions.onStep` reports them. */
export type SaveStep =
  | 'weights-written'
  | 'optimizer-written'
  | 'binaries-synced'
  | 'model-json-written'
  | 'switched'
  | 'switch-synced'
  | 'cleaned';

/** Options for model.save() and saveModel(). */
export interface SaveOptions {
  /** Also save the optimizer's state (its slots and step count), for resuming training. */
  includeOptimizer?: boolean;
  /**
   * Called after each step of the save, in order (see SaveStep), and awaited. For progress, and for tests
   * that crash a save at every step: before 'switched' the folder loads as the previous save, from
   * 'switched' on as this one.
   */
  onStep?: (step: SaveStep) => void | Promise<void>;
}

// Names a save writes and may later remove. A save removes only files of these shapes (never a name a
// model.json merely mentions), so a model.json from someone else cannot make a save delete other files.
const OURS =
  /^(weights|optimizer)(-[0-9a-f]{12})?\.bin$|^model\.json\.tmp-[0-9a-f]{12}$|^(weights\.bin|optimizer\.bin|model\.json)\.tmp-\d+-[0-9a-z]+$/;
// A leftover of a crashed save is removed once it is this old (a save in progress elsewhere is younger).
const STALE_MS = 60_000;

/**
 * Saves a model to a folder: model.json, the weights and, with includeOptimizer, the optimizer's state.
 *
 * Crash-safe: the binary files get new names for each save (`weights-<id>.bin`), are written and fsync'd
 * first, then model.json is written under a temporary name, fsync'd, and renamed over the old one (the one
 * atomic switch), then the folder is fsync'd and the previous save's files are removed. At every instant
 * the folder loads as the previous save or as the new one (docs/model-format.md).
 */
export async function saveModel(model: FitModel, dir: string, options: SaveOptions = {}): Promise<void> {
  const { fs, path, crypto, files } = await fsModules();
  const step = async (s: SaveStep) => options.onStep?.(s);
  const id = crypto.randomBytes(6).toString('hex');
  const names = { weights: `weights-${id}.bin`, optimizer: `optimizer-${id}.bin` };
  const { json, weights, optimizer } = await toArtifacts(model, options.includeOptimizer ?? false, names);
  const failed = (e: unknown, more = 'The previous save, if any, is unchanged.') =>
    new NeuriteError(`Saving the model to ${dir} failed: ${(e as Error).message}. ${more}`);
  try {
    await files.makeFolder(dir);
  } catch (e) {
    throw failed(e, 'Choose a folder you can write to.');
  }
  const previous = await currentFiles(dir);
  const tmp = path.join(dir, `model.json.tmp-${id}`);
  const written: string[] = [];
  try {
    written.push(path.join(dir, names.weights));
    await files.writeDurably(path.join(dir, names.weights), weights);
    await step('weights-written');
    if (optimizer) {
      written.push(path.join(dir, names.optimizer));
      await files.writeDurably(path.join(dir, names.optimizer), optimizer);
      await step('optimizer-written');
    }
    await files.syncFolder(dir);
    await step('binaries-synced');
    written.push(tmp);
    await files.writeDurably(tmp, `${JSON.stringify(json, null, 2)}\n`);
    await step('model-json-written');
    await fs.rename(tmp, path.join(dir, 'model.json'));
  } catch (e) {
    await Promise.all(written.map((f) => fs.rm(f, { force: true }).catch(() => {})));
    throw failed(e);
  }
  await step('switched');
  await files.syncFolder(dir);
  await step('switch-synced');
  await removeLeftovers(dir, previous, [names.weights, names.optimizer]);
  await step('cleaned');
}

/** Removes the previous save's binaries and a crashed save's leftovers; never a file of another shape. */
async function removeLeftovers(dir: string, previous: string[], keep: string[]): Promise<void> {
  const { fs, path } = await fsModules();
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of entries) {
    if (!OURS.test(name) || keep.includes(name)) continue;
    const file = path.join(dir, name);
    try {
      const stale = now - (await fs.lstat(file)).mtimeMs > STALE_MS;
      if (previous.includes(name) || stale) await fs.rm(file, { force: true });
    } catch {
      // Best effort: a leftover that cannot be removed now is removed by a later save.
    }
  }
}
