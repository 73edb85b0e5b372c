import { NeuriteError } from '@neurite/core';
import { MAX_MODEL_JSON_BYTES } from './format/layout.js';
import { type CheckedModel, checkModelJson, type LoadOptions, materialize, toArtifacts } from './io.js';
import type { Model } from './model.js';

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

// Node modules are imported when called: browser bundles of @neurite/model must not import node: modules.
async function fsModules() {
  const [fs, path, crypto, files] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('node:crypto'),
    import('@neurite/core/node'),
  ]);
  return { fs, path, crypto, files };
}

/** Why a model file could not be read, in words for the message, and whether it was simply missing. */
class Unreadable extends Error {
  constructor(
    readonly missing: boolean,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A file of the folder, read whole: a regular file that is not a symbolic link, its size compared with
 * `expected` (when given) and `cap` before a byte is read.
 */
async function readInFolder(dir: string, name: string, expected: number | undefined, cap: number) {
  const { path, files } = await fsModules();
  let opened: Awaited<ReturnType<typeof files.openRegularFile>>;
  try {
    opened = await files.openRegularFile(path.join(dir, name), { followLinks: false });
  } catch (e) {
    const { reason, kind } = e as InstanceType<typeof files.FileOpenError>;
    if (reason === 'missing') throw new Unreadable(true, `${name} is missing.`);
    if (reason === 'link')
      throw new Unreadable(false, `${name} is a symbolic link; a model's files must be regular files in its folder.`);
    if (reason === 'not-regular') throw new Unreadable(false, `${name} is ${kind}, not a regular file.`);
    throw new Unreadable(false, `${name} cannot be opened (${(e as Error).message}).`);
  }
  const { handle, size } = opened;
  try {
    if (expected !== undefined && size !== expected) {
      throw new Unreadable(
        false,
        `${name} has ${size} bytes; model.json expects ${expected} (truncated or from another save).`,
      );
    }
    if (size > cap) throw new Unreadable(false, `${name} has ${size} bytes, above the limit of ${cap}.`);
    const bytes = new Uint8Array(size);
    const got = await files.readFully(handle, bytes);
    if (got !== size) throw new Unreadable(false, `${name} ended after ${got} of ${size} bytes while reading.`);
    return bytes;
  } finally {
    await handle.close();
  }
}

/** The binary files the folder's current model.json uses, when it reads as one (else none). */
async function currentFiles(dir: string): Promise<string[]> {
  try {
    const json = JSON.parse(
      new TextDecoder().decode(await readInFolder(dir, 'model.json', undefined, MAX_MODEL_JSON_BYTES)),
    );
    return [json?.weights?.file, json?.optimizer?.file].filter((f): f is string => typeof f === 'string');
  } catch {
    return [];
  }
}

/**
 * Saves a model to a folder: model.json, the weights and, with includeOptimizer, the optimizer's state.
 *
 * Crash-safe: the binary files get new names for each save (`weights-<id>.bin`), are written and fsync'd
 * first, then model.json is written under a temporary name, fsync'd, and renamed over the old one (the one
 * atomic switch), then the folder is fsync'd and the previous save's files are removed. At every instant
 * the folder loads as the previous save or as the new one (docs/model-format.md).
 */
export async function saveModel(model: Model, dir: string, options: SaveOptions = {}): Promise<void> {
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

function cannot(source: string, what: string, fix: string): NeuriteError {
  return new NeuriteError(`Cannot load the model at ${source}: ${what} ${fix}`);
}

/**
 * Loads a model saved with model.save(dir): from a folder in Node, or from a URL prefix with fetch.
 *
 * The folder is treated as untrusted: model.json is validated against the format before anything else
 * (docs/model-format.md), its file names must be plain names inside the folder, each file is opened as a
 * regular file (never through a symbolic link, never a FIFO or device) and its size checked against
 * model.json before it is read, and nothing is allocated until the weight index matches the layers
 * exactly. Binary files above `maxBytes` together (default 256 MiB) are refused.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Dense } from '@neurite/layers';
 * import { loadModel, sequential } from '@neurite/model';
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * await useBackend('cpu');
 * const dir = join(mkdtempSync(join(tmpdir(), 'neurite-')), 'model');
 * await sequential([new Dense({ units: 2, inputShape: [3] })]).save(dir);
 * const model = await loadModel(dir);
 * console.log(model.layers[0].className); // 'Dense'
 * ```
 */
export async function loadModel(source: string, options: LoadOptions = {}): Promise<Model> {
  if (/^(https?:|blob:|data:)/.test(source) || typeof process === 'undefined' || !process.versions?.node) {
    return loadFromUrl(source, options);
  }
  const { fs, path } = await fsModules();
  const dir = path.resolve(source);
  if (path.basename(dir) === 'model.json' && (await fs.stat(dir).catch(() => undefined))?.isFile()) {
    throw cannot(source, 'this is the model.json file, not its folder.', `Pass the folder: ${path.dirname(source)}.`);
  }
  let json: unknown;
  try {
    const bytes = await readInFolder(dir, 'model.json', undefined, MAX_MODEL_JSON_BYTES);
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    if (e instanceof Unreadable && e.missing) {
      throw cannot(source, 'there is no model.json in that folder.', 'Point at a folder written by model.save(dir).');
    }
    if (e instanceof Unreadable) throw cannot(source, e.message, 'Point at a folder written by model.save(dir).');
    throw cannot(
      source,
      `model.json is not valid UTF-8 JSON (${(e as Error).message.slice(0, 120)}).`,
      'Save the model again.',
    );
  }
  const checked = checkModelJson(json, source, options);
  const binary = async (name: string, size: number, optional: boolean) => {
    try {
      return await readInFolder(dir, name, size, Number.MAX_SAFE_INTEGER);
    } catch (e) {
      if (!(e instanceof Unreadable)) throw e;
      if (e.missing && optional) return undefined;
      const fix = e.missing
        ? 'Copy it next to model.json, or save the model again.'
        : 'Save the model again, or restore both files from the same save.';
      throw cannot(source, e.message, fix);
    }
  };
  return fromBinaries(checked, binary, source);
}

/** Reads the weights (required) and the optimizer state (optional) with `read`, then builds the model. */
async function fromBinaries(
  checked: CheckedModel,
  read: (name: string, size: number, optional: boolean) => Promise<Uint8Array | undefined>,
  source: string,
): Promise<Model> {
  const weights = (await read(checked.json.weights.file, checked.weightBytes, false)) as Uint8Array;
  const optimizer =
    checked.optimizerBytes !== undefined && checked.json.optimizer
      ? await read(checked.json.optimizer.file, checked.optimizerBytes, true)
      : undefined;
  return materialize(checked, weights, optimizer, source);
}

/** Reads a response body, refusing more than `cap` bytes (checked from Content-Length first). */
async function body(res: Response, cap: number, what: string, source: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > cap) {
    throw cannot(source, `${what} is ${declared} bytes; at most ${cap} were expected.`, 'Save the model again.');
  }
  const reader = res.body?.getReader();
  if (!reader) return new Uint8Array(await res.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel();
      throw cannot(source, `${what} is larger than the ${cap} bytes expected.`, 'Save the model again.');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

async function loadFromUrl(base: string, options: LoadOptions): Promise<Model> {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const res = await fetch(`${prefix}model.json`);
  if (!res.ok) throw new NeuriteError(`Cannot load the model at ${base}: fetching model.json gave HTTP ${res.status}.`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await body(res, MAX_MODEL_JSON_BYTES, 'model.json', base)));
  } catch (e) {
    if (e instanceof NeuriteError) throw e;
    throw cannot(
      base,
      `model.json is not valid JSON (${(e as Error).message.slice(0, 120)}).`,
      'Save the model again.',
    );
  }
  const checked = checkModelJson(json, base, options);
  // File names passed the schema (plain names), so each URL stays under the prefix.
  const get = async (name: string, size: number, optional: boolean) => {
    const r = await fetch(`${prefix}${name}`);
    if (!r.ok) {
      if (optional) return undefined;
      throw cannot(
        base,
        `${name} is missing (HTTP ${r.status}).`,
        'Copy it next to model.json, or save the model again.',
      );
    }
    return body(r, size, name, base);
  };
  return fromBinaries(checked, get, base);
}
