import { join } from 'node:path';
import { openRegularFile, readFully, writeFileAtomic } from '@neurite/core/node';

/**
 * Writes JSON atomically and durably (temp file, fsync, rename, fsync the folder): never half a file.
 * The folder must exist (makeFolder from @neurite/core/node makes one).
 */
export async function writeJson(dir: string, name: string, value: unknown): Promise<void> {
  await writeFileAtomic(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}

/** A JSON file's content, or undefined when it is missing, not a regular file, too big or not JSON. */
export async function readJson<T>(dir: string, name: string, maxBytes = 16 * 2 ** 20): Promise<T | undefined> {
  try {
    const { handle, size } = await openRegularFile(join(dir, name));
    try {
      if (size > maxBytes) return undefined;
      const bytes = new Uint8Array(size);
      await readFully(handle, bytes);
      return JSON.parse(new TextDecoder().decode(bytes)) as T;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
