// Loading a model (Node folders and URLs): every file untrusted, checked before it is read (read.ts).
import { NeuriteError } from '@neurite/core';
import { MAX_MODEL_JSON_BYTES } from './format/layout.js';
import type { Model } from './model.js';
import { fsModules, readInFolder, Unreadable } from './node_files.js';
import { type CheckedModel, checkModelJson, type LoadOptions, materialize } from './read.js';

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
