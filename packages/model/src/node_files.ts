// Reading a model folder's files in Node, for saves and loads alike: node: modules imported when called
// (a browser bundle of @neurite/model must not import them), and one file read whole, safely.
import { MAX_MODEL_JSON_BYTES } from './format/layout.js';

// Node modules are imported when called: browser bundles of @neurite/model must not import node: modules.
export async function fsModules() {
  const [fs, path, crypto, files] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('node:crypto'),
    import('@neurite/core/node'),
  ]);
  return { fs, path, crypto, files };
}

/** Why a model file could not be read, in words for the message, and whether it was simply missing. */
export class Unreadable extends Error {
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
export async function readInFolder(dir: string, name: string, expected: number | undefined, cap: number) {
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
export async function currentFiles(dir: string): Promise<string[]> {
  try {
    const json = JSON.parse(
      new TextDecoder().decode(await readInFolder(dir, 'model.json', undefined, MAX_MODEL_JSON_BYTES)),
    );
    return [json?.weights?.file, json?.optimizer?.file].filter((f): f is string => typeof f === 'string');
  } catch {
    return [];
  }
}
