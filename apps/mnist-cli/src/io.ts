import { closeSync, constants, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { jsonDepth } from '@neurite/core';
import { type FileOpenError, makeFolder, openRegularFile, readFully, writeFileAtomic } from '@neurite/core/node';
import { UsageError } from './errors.js';

/**
 * Writes JSON atomically and durably (temp file, fsync, rename, fsync the folder): never half a file.
 * The folder must exist (makeFolder from @neurite/core/node makes one).
 */
export async function writeJson(dir: string, name: string, value: unknown): Promise<void> {
  await writeFileAtomic(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}

/** The deepest JSON nesting the CLI reads (its own files nest 4 deep). */
const MAX_DEPTH = 64;

/** A JSON file read, or why not: `missing`, or `bad` with the reason. */
export type JsonRead<T> = { ok: true; value: T } | { ok: false; missing: boolean; reason: string };

/**
 * Reads a JSON file of at most `maxBytes`: a regular file (with `followLinks: false`, not a symbolic
 * link: files inside a folder someone else made), UTF-8 with or without a BOM, nested at most 64 deep.
 */
export async function readJsonFile<T>(
  path: string,
  options: { maxBytes?: number; followLinks?: boolean } = {},
): Promise<JsonRead<T>> {
  const maxBytes = options.maxBytes ?? 16 * 2 ** 20;
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path, { followLinks: options.followLinks });
  } catch (e) {
    const err = e as FileOpenError;
    if (err.reason === 'missing') return { ok: false, missing: true, reason: 'there is no such file' };
    return { ok: false, missing: false, reason: err.kind ? `it is ${err.kind}` : err.message };
  }
  const { handle, size } = opened;
  try {
    if (size > maxBytes) return { ok: false, missing: false, reason: `it has ${size} bytes, more than ${maxBytes}` };
    const bytes = new Uint8Array(size);
    await readFully(handle, bytes);
    const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
    if (jsonDepth(text) > MAX_DEPTH)
      return { ok: false, missing: false, reason: `it nests more than ${MAX_DEPTH} levels deep` };
    return { ok: true, value: JSON.parse(text) as T };
  } catch (e) {
    return { ok: false, missing: false, reason: `it is not valid JSON (${(e as Error).message.slice(0, 80)})` };
  } finally {
    await handle.close();
  }
}

/** A JSON file of a folder someone else may have made, or undefined when it cannot be read as one. */
export async function readJson<T>(dir: string, name: string, maxBytes?: number): Promise<T | undefined> {
  const r = await readJsonFile<T>(join(dir, name), { maxBytes, followLinks: false });
  return r.ok ? r.value : undefined;
}

/** Makes a folder the command will write to and checks it can hold files, before any real work. */
export async function checkWritable(command: string, what: string, dir: string): Promise<void> {
  const probe = join(dir, `.neurite-write-check-${process.pid}`);
  try {
    await makeFolder(dir);
    closeSync(openSync(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL));
    rmSync(probe);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UsageError(`${command}: cannot write to ${what} ${dir}: ${reason}. Choose a folder you can write to.`);
  }
}
