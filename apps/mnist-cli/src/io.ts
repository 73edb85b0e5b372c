import { closeSync, constants, fstatSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** fsyncs a folder so that names just created or renamed in it survive a crash (no-op where unsupported). */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a folder; its renames are as durable as they get there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes JSON atomically and durably (temp file, fsync, rename, fsync the folder): never half a file.
 * The folder must exist (makeFolder from @neurite/core/node makes one).
 */
export function writeJson(dir: string, name: string, value: unknown): void {
  const file = join(dir, name);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, `${JSON.stringify(value, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDir(dir);
}

/** A JSON file's content, or undefined when it is missing, not a regular file, too big or not JSON. */
export function readJson<T>(dir: string, name: string, maxBytes = 16 * 2 ** 20): T | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(join(dir, name), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    return JSON.parse(readFileSync(fd, 'utf8')) as T;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
