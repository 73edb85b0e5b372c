import { dirname } from 'node:path';
import { makeFolder, writeFileAtomic as writeDurablyAtomic } from '@neurite/core/node';

/**
 * Writes a file whole or not at all: the bytes go to a temporary file beside it, fsync'd and renamed
 * over the target (atomic on one file system). Missing parent folders are created.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await makeFolder(dirname(path));
  await writeDurablyAtomic(path, data);
}
