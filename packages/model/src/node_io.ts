import { NeuriteError } from '@neurite/core';
import { fromArtifacts, toArtifacts } from './io.js';
import type { Sequential } from './sequential.js';

/**
 * Saves a model to a folder: model.json, weights.bin and, with includeOptimizer, optimizer.bin.
 * Each file is written to a temporary name and renamed into place, binaries first and model.json
 * last, so a failed save leaves the previous one loadable.
 */
export async function saveModel(
  model: Sequential,
  dir: string,
  options: { includeOptimizer?: boolean } = {},
): Promise<void> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { json, weights, optimizer } = await toArtifacts(model, options.includeOptimizer ?? false);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new NeuriteError(
      `Saving the model to ${dir} failed: ${(e as Error).message}. Choose a folder you can write to.`,
    );
  }
  const tag = `.tmp-${process.pid}-${Date.now().toString(36)}`;
  const files: [string, Uint8Array | string][] = [['weights.bin', weights]];
  if (optimizer) files.push(['optimizer.bin', optimizer]);
  files.push(['model.json', `${JSON.stringify(json, null, 2)}\n`]);
  const written: string[] = [];
  try {
    for (const [name, data] of files) {
      const tmp = path.join(dir, `${name}${tag}`);
      await fs.writeFile(tmp, data);
      written.push(tmp);
    }
    for (const [name] of files) await fs.rename(path.join(dir, `${name}${tag}`), path.join(dir, name));
  } catch (e) {
    await Promise.all(written.map((f) => fs.rm(f, { force: true })));
    throw new NeuriteError(
      `Saving the model to ${dir} failed: ${(e as Error).message}. The previous save, if any, is unchanged.`,
    );
  }
  if (!optimizer) await fs.rm(path.join(dir, 'optimizer.bin'), { force: true });
}

/**
 * Loads a model saved with model.save(dir): from a folder in Node, or from a URL prefix with fetch.
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
export async function loadModel(source: string): Promise<Sequential> {
  if (/^(https?:|blob:|data:)/.test(source) || typeof process === 'undefined' || !process.versions?.node) {
    return loadFromUrl(source);
  }
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  let text: string;
  try {
    text = await fs.readFile(path.join(source, 'model.json'), 'utf8');
  } catch {
    throw new NeuriteError(
      `Cannot load the model at ${source}: there is no model.json in that folder. Point at a folder written by model.save(dir).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new NeuriteError(
      `Cannot load the model at ${source}: model.json is not valid JSON (${(e as Error).message}). Save the model again.`,
    );
  }
  const read = async (name: string | undefined) => {
    if (!name) return undefined;
    try {
      return new Uint8Array(await fs.readFile(path.join(source, name)));
    } catch {
      return undefined;
    }
  };
  const j = json as { weights?: { file?: string }; optimizer?: { file?: string } };
  return fromArtifacts(json, await read(j.weights?.file ?? 'weights.bin'), await read(j.optimizer?.file), source);
}

async function loadFromUrl(base: string): Promise<Sequential> {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const res = await fetch(`${prefix}model.json`);
  if (!res.ok) throw new NeuriteError(`Cannot load the model at ${base}: fetching model.json gave HTTP ${res.status}.`);
  const json = await res.json();
  const get = async (name?: string) => {
    if (!name) return undefined;
    const r = await fetch(`${prefix}${name}`);
    return r.ok ? new Uint8Array(await r.arrayBuffer()) : undefined;
  };
  return fromArtifacts(json, await get(json.weights?.file), await get(json.optimizer?.file), base);
}
