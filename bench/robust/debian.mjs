// Files from Debian packages, for the robustness benchmark: `apt-get download` fetches a package's .deb
// (no root, nothing installed) and `dpkg-deb -x` unpacks it into a cache under node_modules/.cache.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
export const cacheDir = join(root, 'node_modules', '.cache', 'neurite-robust');

/** The folder a package is unpacked in (downloaded and unpacked once). Throws with a fix when apt is missing. */
export function debianPackage(name) {
  if (!/^[a-z0-9][a-z0-9.+-]+$/.test(name)) throw new Error(`debianPackage: not a package name: ${name}`);
  const dir = join(cacheDir, name);
  if (existsSync(join(dir, '.done'))) return dir;
  const work = `${dir}.part-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    execFileSync('apt-get', ['download', name], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(
      `the robustness benchmark needs Debian's ${name} package and 'apt-get download ${name}' failed ` +
        `(${String(e.stderr ?? e.message)
          .trim()
          .split('\n')
          .pop()}). Run 'apt-get update' first, on a Debian machine.`,
    );
  }
  const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
  execFileSync('dpkg-deb', ['-x', join(work, deb), join(work, 'files')]);
  rmSync(join(work, deb));
  execFileSync('touch', [join(work, '.done')]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return dir;
}

/** Every file under a folder whose name matches the pattern. */
export function findFiles(dir, pattern) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...findFiles(p, pattern));
    else if (pattern.test(e.name)) out.push(p);
  }
  return out.sort();
}
