import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Where neurite-mnist keeps its state: $NEURITE_HOME, default ~/.neurite. `train` without --out writes
 * to <home>/mnist/model, and every train records its output folder in <home>/mnist/last.json, so that
 * eval and predict without --model use the model the last train wrote.
 */
export function home(): string {
  return resolve(process.env.NEURITE_HOME ?? join(homedir(), '.neurite'));
}

export function defaultOut(): string {
  return join(home(), 'mnist', 'model');
}

export function rememberModel(dir: string): void {
  const file = join(home(), 'mnist', 'last.json');
  mkdirSync(join(home(), 'mnist'), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify({ model: resolve(dir) }));
  renameSync(`${file}.tmp`, file);
}

/** The model folder for a command: --model, else the last one train wrote. */
export function modelDir(command: string, flag: string | undefined): string {
  if (flag) return resolve(flag);
  const file = join(home(), 'mnist', 'last.json');
  if (!existsSync(file)) {
    throw new UsageError(
      `${command}: no model given and none trained yet. Train one with neurite-mnist train, or pass --model <dir>.`,
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')).model;
}
