// Node file access for model folders. Reading: a model folder may come from a stranger, so a file is
// opened only as a regular file (never through a symbolic link, never a FIFO or device, which could hang
// or never end), and its size is checked before a byte is read. Writing: every file is fsync'd before it
// is referenced, and the folder after each rename, so a crash cannot leave a name pointing at nothing.
// Node modules are imported when called: browser bundles of @neurite/model must not import node: modules.
import type { FileHandle } from 'node:fs/promises';

const fs = () => Promise.all([import('node:fs'), import('node:fs/promises')]);

/** Why a file could not be read: the caller turns it into its own message. */
export class FileProblem extends Error {
  constructor(
    readonly code: 'missing' | 'symlink' | 'not-regular' | 'size' | 'io',
    message: string,
  ) {
    super(message);
  }
}

function kind(stat: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `path` for reading as a regular file that is not a symbolic link, and returns it with its size.
 * O_NONBLOCK keeps a FIFO from blocking the open; fstat then refuses it.
 */
export async function openRegular(path: string, name: string): Promise<{ handle: FileHandle; size: number }> {
  const [{ constants }, { open }] = await fs();
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileProblem('missing', `${name} is missing.`);
    if (code === 'ELOOP' || code === 'EMLINK') {
      throw new FileProblem(
        'symlink',
        `${name} is a symbolic link; a model's files must be regular files in its folder.`,
      );
    }
    throw new FileProblem('io', `${name} cannot be opened (${(e as Error).message}).`);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new FileProblem('not-regular', `${name} is ${kind(stat)}, not a regular file.`);
  }
  return { handle, size: stat.size };
}

/** Reads exactly `size` bytes from the start of an open file into a fresh, 4-byte-aligned buffer. */
export async function readAll(handle: FileHandle, size: number, name: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(size);
  let done = 0;
  while (done < size) {
    const { bytesRead } = await handle.read(bytes, done, size - done, done);
    if (bytesRead === 0) throw new FileProblem('size', `${name} ended after ${done} of ${size} bytes while reading.`);
    done += bytesRead;
  }
  return bytes;
}

/** Writes a new file (it must not exist) and fsyncs it before closing. */
export async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const [{ constants }, { open }] = await fs();
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a folder, so that the names created or renamed in it survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  const [{ constants }, { open }] = await fs();
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch (e) {
    // Some platforms (Windows) cannot open or fsync a folder; their renames are as durable as they get.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') throw e;
  } finally {
    await handle?.close();
  }
}
