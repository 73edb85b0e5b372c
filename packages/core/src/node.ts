// @neurite/core/node: file helpers for Neurite's Node code paths, kept out of the main entry so that
// browser bundles of @neurite/core never see a node: import.
import { NeuriteError } from './errors.js';

/**
 * Node only. Creates a folder and any missing parents, like `mkdir -p`. Node's own
 * `mkdir(dir, { recursive: true })` never returns for a path under /proc (Node 20 and 24 retry the
 * ENOENT forever); this walks up to the nearest existing folder and creates each level once, so such a
 * path fails at once with the system's error (ENOENT, EACCES, ENOTDIR). Node modules are imported when
 * called, so browser bundles of code that mentions it stay free of `node:` imports.
 *
 * @example
 * ```ts
 * import { makeFolder } from '@neurite/core/node';
 * import { existsSync, mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * const dir = join(mkdtempSync(join(tmpdir(), 'neurite-')), 'a', 'b');
 * await makeFolder(dir);
 * console.log(existsSync(dir)); // true
 * ```
 */
export async function makeFolder(dir: string): Promise<void> {
  const [{ mkdir, stat }, { dirname, resolve }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const missing: string[] = [];
  let d = resolve(dir);
  for (;;) {
    const s = await stat(d).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    if (s) {
      if (!s.isDirectory()) throw new NeuriteError(`makeFolder: ${d} exists and is not a folder. Choose another path.`);
      break;
    }
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    await mkdir(m).catch(async (e: NodeJS.ErrnoException) => {
      // Made by someone else meanwhile: fine if it is a folder.
      if (e.code !== 'EEXIST' || !(await stat(m)).isDirectory()) throw e;
    });
  }
}

type FileHandle = import('node:fs/promises').FileHandle;

/** Why openRegularFile could not open a file: the caller words its own message from it. */
export class FileOpenError extends Error {
  override name = 'FileOpenError';
  constructor(
    /** missing: no such file; link: a symbolic link where none is followed; not-regular: see `kind`; io: other. */
    readonly reason: 'missing' | 'link' | 'not-regular' | 'io',
    /** What the path is, for not-regular: 'a directory', 'a FIFO', 'a character device', ... */
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'neither a file nor a directory';
}

/**
 * Node only. Opens a file for reading only if it is a regular file, and returns it with its size. A
 * FIFO, a device such as /dev/zero, a socket or a folder is refused before it is opened (stat), and the
 * opened file is checked again (O_NONBLOCK keeps an open from waiting on a FIFO swapped in meanwhile;
 * fstat then says what it is), so a loader can neither hang, nor read forever, nor wake a device.
 * With `followLinks: false` a symbolic link is refused too (O_NOFOLLOW). Throws FileOpenError.
 *
 * @example
 * ```ts
 * import { FileOpenError, openRegularFile } from '@neurite/core/node';
 * const e = await openRegularFile('/dev/zero').catch((e: FileOpenError) => e);
 * console.log(e instanceof FileOpenError && e.kind); // 'a character device'
 * ```
 */
export async function openRegularFile(
  path: string,
  options: { followLinks?: boolean } = {},
): Promise<{ handle: FileHandle; size: number }> {
  const [{ constants }, { open, lstat, stat: statPath }] = await Promise.all([
    import('node:fs'),
    import('node:fs/promises'),
  ]);
  const follow = options.followLinks !== false;
  const noFollow = follow ? 0 : (constants.O_NOFOLLOW ?? 0);
  let handle: FileHandle;
  try {
    // Looked at before it is opened: opening a device can itself do something (a tty, a tape, a watchdog).
    const before = await (follow ? statPath(path) : lstat(path));
    if (before.isSymbolicLink()) throw Object.assign(new Error('link'), { code: 'ELOOP' });
    if (!before.isFile()) {
      const kind = kindOf(before);
      throw new FileOpenError('not-regular', kind, `${path} is ${kind}`);
    }
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | noFollow);
  } catch (e) {
    if (e instanceof FileOpenError) throw e;
    const { code, message } = e as NodeJS.ErrnoException;
    if (code === 'ENOENT') throw new FileOpenError('missing', '', `${path}: no such file`);
    if (code === 'ELOOP' || code === 'EMLINK')
      throw new FileOpenError('link', 'a symbolic link', `${path} is a symbolic link`);
    if (code === 'EISDIR') throw new FileOpenError('not-regular', 'a directory', `${path} is a directory`);
    throw new FileOpenError('io', '', message);
  }
  // Checked again on what was opened, in case the path changed in between.
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    const kind = kindOf(stat);
    throw new FileOpenError('not-regular', kind, `${path} is ${kind}`);
  }
  return { handle, size: stat.size };
}

/** Node only. Reads into `bytes` from `position` until it is full or the file ends; returns the count. */
export async function readFully(handle: FileHandle, bytes: Uint8Array, position = 0): Promise<number> {
  let n = 0;
  while (n < bytes.length) {
    const { bytesRead } = await handle.read(bytes, n, bytes.length - n, position + n);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return n;
}

/** Node only. Writes a new file (it must not exist yet) and fsyncs it before closing. */
export async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const [{ constants }, { open }] = await Promise.all([import('node:fs'), import('node:fs/promises')]);
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Node only. fsyncs a folder, so that the names created or renamed in it survive a crash. A no-op where
 * the platform cannot (Windows opens no folder for it).
 */
export async function syncFolder(dir: string): Promise<void> {
  const [{ constants }, { open }] = await Promise.all([import('node:fs'), import('node:fs/promises')]);
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') throw e;
  } finally {
    await handle?.close();
  }
}

/**
 * Node only. Writes a file whole or not at all, durably: a temporary file beside it, fsync'd, renamed
 * over the target, and the folder fsync'd. The folder must exist.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const [{ rename, rm }, { dirname, join, basename }, { randomBytes }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('node:crypto'),
  ]);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeDurably(temp, data);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncFolder(dirname(path));
}

/**
 * Node only. Starts a worker thread (node:worker_threads) that inherits this process's Node flags as far
 * as a worker can take them. A worker refuses some flags given to it explicitly (V8's and the process's:
 * `--max-old-space-size`, `--expose-gc`, ...), and inheriting `--input-type` (`node --input-type=module
 * -e ...`) makes it fail to load any file. So: given `options.execArgv`, or with no `--input-type`, the
 * worker gets those or inherits as Node does; with one, it gets the other flags, less the script (`-e`,
 * `-p`) and any the worker refuses. The flags a worker refuses stay the process's, as for any worker.
 *
 * @example
 * ```ts
 * import { startWorker } from '@neurite/core/node';
 * const worker = await startWorker(new URL('data:text/javascript,process.exit(0)'));
 * const code = await new Promise((resolve) => worker.on('exit', resolve));
 * console.log(code); // 0
 * ```
 */
export async function startWorker(
  url: URL,
  options: import('node:worker_threads').WorkerOptions = {},
): Promise<import('node:worker_threads').Worker> {
  const { Worker } = await import('node:worker_threads');
  const flags = process.execArgv;
  // The caller's own execArgv is theirs to choose; so is inheriting, when nothing would break it.
  if (options.execArgv !== undefined || !flags.some((a) => a.startsWith('--input-type')))
    return new Worker(url, options);
  // --input-type, and the script given with -e or -p (the worker runs its own file), with their values.
  const valued = ['--input-type', '-e', '--eval', '-p', '--print'];
  let execArgv = flags.filter(
    (a, i, all) => !valued.some((f) => a === f || a.startsWith(`${f}=`)) && !valued.includes(all[i - 1]),
  );
  for (;;) {
    try {
      return new Worker(url, { ...options, execArgv });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || execArgv.length === 0) throw e;
      // Node lists the flags it refuses after the last ': ', comma-separated: drop exactly those (all
      // of them, if it names none of those it was given).
      const named = new Set(err.message.slice(err.message.lastIndexOf(': ') + 2).split(', '));
      const kept = execArgv.filter((a) => !named.has(a));
      execArgv = kept.length < execArgv.length ? kept : [];
    }
  }
}
