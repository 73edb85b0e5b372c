// @neurite/interchange/node: layers models from and to folders. A folder from a stranger is read the way
// the rest of Neurite reads one: model.json bounded, shard names plain file names inside the folder (no
// paths, no links, no devices), every shard's size checked against the manifest before a byte of it is
// read. Writing is atomic per file, weights before model.json, so a crash leaves the last good save.
import { NeuriteError } from '@neurite/core';
import type { Model } from '@neurite/model';
import {
  buildPlanned,
  type LayersModelPlan,
  type LayersModelReading,
  planLayersModel,
  type ReadOptions,
} from './tfjs_layers/read.js';
import { show } from './tfjs_layers/settings.js';
import { type WriteOptions, writeLayersModel } from './tfjs_layers/write.js';

/** The largest model.json read (a Keras model of a few thousand layers stays far below). */
export const MAX_LAYERS_JSON_BYTES = 64 * 2 ** 20;

type FileHandle = import('node:fs/promises').FileHandle;

async function modules() {
  const [fs, path, files] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('@neurite/core/node'),
  ]);
  return { fs, path, files };
}

function fail(source: string, what: string, fix: string): never {
  throw new NeuriteError(`Cannot read the layers model ${source}: ${what} ${fix}`);
}

// A shard is named by a plain file name beside model.json: tfjs and tensorflowjs_converter write nothing
// else, and a path ('../', '/etc/', 'a/../../b') is how a stranger's manifest reaches outside the folder.
function plainName(name: string): boolean {
  return name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && !/^[a-zA-Z]:/.test(name);
}

async function open(
  m: Awaited<ReturnType<typeof modules>>,
  source: string,
  file: string,
): Promise<{ handle: FileHandle; size: number }> {
  try {
    return await m.files.openRegularFile(file, { followLinks: false });
  } catch (e) {
    const { reason, kind } = e as InstanceType<typeof m.files.FileOpenError>;
    const name = m.path.basename(file);
    if (reason === 'missing') fail(source, `${name} is missing.`, 'Copy every file of the export into the folder.');
    if (reason === 'link') fail(source, `${name} is a symbolic link.`, "Copy the file itself into the model's folder.");
    if (reason === 'not-regular') fail(source, `${name} is ${kind}, not a file.`, 'Point at an exported model folder.');
    return fail(source, `${name} cannot be opened (${(e as Error).message}).`, 'Check its permissions.');
  }
}

async function readWhole(
  m: Awaited<ReturnType<typeof modules>>,
  source: string,
  h: FileHandle,
  size: number,
  name: string,
) {
  const bytes = new Uint8Array(size);
  const got = await m.files.readFully(h, bytes);
  if (got !== size)
    fail(
      source,
      `${name} ended after ${got} of ${size} bytes while it was read.`,
      'Do not change the files while they load.',
    );
  return bytes;
}

// Each group's shards, by plain names in `dir`, their sizes summed against the manifest before reading.
async function readShards(
  m: Awaited<ReturnType<typeof modules>>,
  source: string,
  dir: string,
  groups: LayersModelPlan['manifest']['groups'],
): Promise<Uint8Array[][]> {
  const shards: Uint8Array[][] = [];
  for (const [gi, group] of groups.entries()) {
    for (const p of group.paths) {
      if (!plainName(p)) {
        fail(
          source,
          `weight group ${gi} names the shard ${show(p)}, a path.`,
          "A shard must be a plain file name in the model's folder.",
        );
      }
    }
    const handles: { handle: FileHandle; size: number; name: string }[] = [];
    try {
      for (const p of group.paths) handles.push({ ...(await open(m, source, m.path.join(dir, p))), name: p });
      const total = handles.reduce((a, h) => a + h.size, 0);
      if (total !== group.bytes) {
        fail(
          source,
          `weight group ${gi} (${group.paths.join(', ')}) has ${total} bytes on disk; its manifest entries need ${group.bytes}.`,
          'A shard is missing, truncated or from another export: copy the files of one export together.',
        );
      }
      const read: Uint8Array[] = [];
      for (const h of handles) read.push(await readWhole(m, source, h.handle, h.size, h.name));
      shards.push(read);
    } finally {
      for (const h of handles) await h.handle.close();
    }
  }
  return shards;
}

/**
 * Node only. Reads a TensorFlow.js layers model from its folder (or from its model.json's path): what
 * tfjs's `model.save('file://...')` and `tensorflowjs_converter` write. Every check of readLayersModel
 * holds, and the files are read with care: model.json at most {@link MAX_LAYERS_JSON_BYTES}, shards
 * only by plain names in the same folder, their sizes summed against the manifest before reading.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { Dense } from '@neurite/layers';
 * import { sequential } from '@neurite/model';
 * import { loadLayersModel, saveLayersModel } from '@neurite/interchange/node';
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * await useBackend('cpu');
 * const net = sequential([new Dense({ units: 2, inputShape: [3], name: 'd' })]);
 * const dir = join(mkdtempSync(join(tmpdir(), 'neurite-')), 'tfjs');
 * await saveLayersModel(net, dir);
 * const { model, plan } = await loadLayersModel(dir);
 * console.log(plan.dialect, model.layers.length); // 'tfjs-layers' 1
 * ```
 */
export async function loadLayersModel(path: string, options: ReadOptions = {}): Promise<LayersModelReading> {
  const m = await modules();
  const isJson = /\.json$/i.test(path);
  const dir = isJson ? m.path.dirname(path) : path;
  const jsonPath = isJson ? path : m.path.join(dir, 'model.json');
  const source = options.source ?? jsonPath;
  const opened = await open(m, source, jsonPath);
  let text: string;
  try {
    if (opened.size > MAX_LAYERS_JSON_BYTES) {
      fail(
        source,
        `model.json has ${opened.size} bytes, above the limit of ${MAX_LAYERS_JSON_BYTES}.`,
        'This is not a layers model.',
      );
    }
    text = new TextDecoder().decode(await readWhole(m, source, opened.handle, opened.size, m.path.basename(jsonPath)));
  } finally {
    await opened.handle.close();
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(source, `model.json is not JSON (${(e as Error).message}).`, 'The file is corrupt or not a model.');
  }
  // Planned first: the manifest is checked, and the byte count bounded, before any shard is opened.
  const { model: planned, ...plan } = planLayersModel(json, { ...options, source });
  let shards: Uint8Array[][];
  try {
    shards = await readShards(m, source, dir, plan.manifest.groups);
  } catch (e) {
    planned.dispose();
    throw e;
  }
  return buildPlanned(planned, plan, shards, source);
}

/** The steps of saveLayersModel, in order, as `onStep` reports them. */
export type LayersSaveStep = 'weights-written' | 'switched' | 'cleaned';

export interface SaveLayersOptions extends WriteOptions {
  /**
   * Called after each step, for tests that crash a save at every step: before 'switched' the folder
   * loads as the previous save, from 'switched' on as this one.
   */
  onStep?: (step: LayersSaveStep) => void | Promise<void>;
}

/**
 * Node only. Saves a Neurite model as a TensorFlow.js layers model in `dir` (created if missing):
 * `model.json` and one weights file, which tfjs-layers' `loadLayersModel('file://dir/model.json')`
 * opens and `tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras` turns into
 * a Keras file. Each file is written whole or not at all, the weights under a fresh name first, then
 * model.json over the old one: a save over an earlier save, killed at any instant, leaves a folder
 * that loads as the old model or the new one. Only weight files of the shapes tfjs and this function
 * write are removed afterwards, never another name a model.json mentions.
 */
export async function saveLayersModel(
  model: Model,
  dir: string,
  options: SaveLayersOptions = {},
): Promise<{ modelJson: string; weights: string }> {
  const { path, files } = await modules();
  const [{ lstat, readdir, rm }, { randomBytes }] = await Promise.all([
    import('node:fs/promises'),
    import('node:crypto'),
  ]);
  const step = async (s: LayersSaveStep) => options.onStep?.(s);
  const { modelJson, weightData } = await writeLayersModel(model, options);
  try {
    await files.makeFolder(dir);
  } catch (e) {
    throw new NeuriteError(
      `Saving the layers model to ${dir} failed: ${(e as Error).message}. Choose a folder you can write to.`,
    );
  }
  const previous = await previousShards(dir);
  const shard = `weights-${randomBytes(6).toString('hex')}.bin`;
  const group = modelJson.weightsManifest[0] as (typeof modelJson.weightsManifest)[number];
  modelJson.weightsManifest[0] = { ...group, paths: [shard] };
  const jsonPath = path.join(dir, 'model.json');
  try {
    await files.writeFileAtomic(path.join(dir, shard), weightData);
    await step('weights-written');
    await files.writeFileAtomic(jsonPath, `${JSON.stringify(modelJson)}\n`);
  } catch (e) {
    await rm(path.join(dir, shard), { force: true });
    throw new NeuriteError(
      `Saving the layers model to ${dir} failed: ${(e as Error).message}. The previous save, if any, is unchanged.`,
    );
  }
  await step('switched');
  // The old model's shards go now. Files of saves killed before they switched (ours by their shape) go
  // once they are a minute old: a younger one may belong to a save running beside this one.
  for (const old of previous) if (old !== shard) await rm(path.join(dir, old), { force: true });
  const leftover = /^weights-[0-9a-f]{12}\.bin$|^\.(model\.json|weights-[0-9a-f]{12}\.bin)\.[0-9a-f]{12}\.tmp$/;
  for (const f of await readdir(dir)) {
    if (f === shard || !leftover.test(f)) continue;
    const at = path.join(dir, f);
    const info = await lstat(at).catch(() => undefined);
    if (info?.isFile() && Date.now() - info.mtimeMs > 60_000) await rm(at, { force: true });
  }
  await step('cleaned');
  return { modelJson: jsonPath, weights: path.join(dir, shard) };
}

// Weight files a save here may replace: its own and tfjs's names, never whatever else a folder holds.
const OURS = /^(weights-[0-9a-f]{12}|group\d+-shard\d+of\d+)\.bin$/;

// The weight files the folder's model.json names now, when it reads as a layers model.
async function previousShards(dir: string): Promise<string[]> {
  try {
    const m = await modules();
    const { handle, size } = await m.files.openRegularFile(m.path.join(dir, 'model.json'), { followLinks: false });
    try {
      if (size > MAX_LAYERS_JSON_BYTES) return [];
      const json = JSON.parse(new TextDecoder().decode(await readWhole(m, dir, handle, size, 'model.json')));
      const groups: unknown[] = Array.isArray(json?.weightsManifest) ? json.weightsManifest : [];
      return groups
        .flatMap((g) => (Array.isArray((g as { paths?: unknown }).paths) ? (g as { paths: unknown[] }).paths : []))
        .filter((p): p is string => typeof p === 'string' && OURS.test(p));
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
}
