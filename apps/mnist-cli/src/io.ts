import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes JSON atomically (temp file, then rename): a reader never sees half a file. */
export function writeJson(dir: string, name: string, value: unknown): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(`${file}.tmp-${process.pid}`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${file}.tmp-${process.pid}`, file);
}

export function readJson<T>(dir: string, name: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
  } catch {
    return undefined;
  }
}
