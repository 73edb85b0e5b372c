import { NeuriteError } from '@neurite/core';
import { type Idx, parseIdx } from './idx.js';

/** Options for readIdxFile. */
export interface ReadIdxOptions {
  /** How to get a good copy, appended to error messages. Default: 'Download the file again.' */
  fix?: string;
}

/**
 * Node only. Reads an IDX file, plain or gzipped (a file that starts with 0x1f 0x8b is gunzipped, whatever
 * its name), and parses it with parseIdx. Errors name the path and say how to fix it.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * import { readIdxFile } from '@neurite/datasets';
 * import { mkdtempSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { gzipSync } from 'node:zlib';
 * await useBackend('cpu');
 * const path = join(mkdtempSync(join(tmpdir(), 'neurite-')), 'labels-idx1-ubyte.gz');
 * writeFileSync(path, gzipSync(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 4, 2])));
 * const { dims, data } = await readIdxFile(path);
 * console.log(dims, Array.from(data)); // [ 2 ] [ 4, 2 ]
 * ```
 */
export async function readIdxFile(path: string, options: ReadIdxOptions = {}): Promise<Idx> {
  const fix = options.fix ?? 'Download the file again.';
  const fs = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      const { resolve } = await import('node:path');
      throw new NeuriteError(
        `readIdxFile: no file at ${path} (resolved to ${resolve(path)}). Expected an IDX file, plain or gzipped. ` +
          `Check the path, or ${fix[0].toLowerCase()}${fix.slice(1)}`,
      );
    }
    throw new NeuriteError(`readIdxFile: cannot read ${path}: ${err.message}. Check that it is a readable file.`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const { gunzip } = await import('node:zlib');
    const { promisify } = await import('node:util');
    try {
      bytes = await promisify(gunzip)(bytes);
    } catch (e) {
      throw new NeuriteError(
        `readIdxFile: ${path} starts with the gzip signature 0x1f 0x8b but does not gunzip: ${(e as Error).message}. ${fix}`,
      );
    }
  }
  return parseIdx(bytes, path, fix);
}
