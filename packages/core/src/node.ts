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
