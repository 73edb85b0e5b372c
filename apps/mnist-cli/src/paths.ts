import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeFolder } from '@neurite/core/node';
import { UsageError } from './errors.js';
import { readJson, writeJson } from './io.js';

/**
 * Where neurite-mnist keeps its state: $NEURITE_HOME, default ~/.neurite. `train` without --out writes
 * to <home>/mnist/model, and every train records its output folder in <home>/mnist/last.json, so that
 * eval and predict without --model use the model the last train wrote.
 */
export function home(): string {
  // An empty NEURITE_HOME is unset, not the current folder.
  return resolve(process.env.NEURITE_HOME || join(homedir(), '.neurite'));
}

export function defaultOut(): string {
  return join(home(), 'mnist', 'model');
}

export async function rememberModel(dir: string): Promise<void> {
  await makeFolder(join(home(), 'mnist'));
  await writeJson(join(home(), 'mnist'), 'last.json', { model: resolve(dir) });
}

/** The model folder for a command: --model, else the last one train wrote. */
export async function modelDir(command: string, flag: string | undefined): Promise<string> {
  if (flag !== undefined) {
    if (flag === '') throw new UsageError(`${command}: --model needs a folder. Received: --model ''.`);
    return resolve(flag);
  }
  const file = join(home(), 'mnist', 'last.json');
  if (!existsSync(file)) {
    throw new UsageError(
      `${command}: no model given and none trained yet. Train one with neurite-mnist train, or pass --model <dir>.`,
    );
  }
  const last = await readJson<{ model?: unknown }>(join(home(), 'mnist'), 'last.json');
  if (!last || typeof last.model !== 'string' || last.model === '') {
    throw new UsageError(
      `${command}: ${file} does not say which model the last train wrote (expected {"model": "<folder>"}). ` +
        'Pass --model <dir>, or train again.',
    );
  }
  return last.model;
}
