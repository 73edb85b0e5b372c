// One copy of each stateful Neurite package per process. @neurite/core holds the backend registry and
// the tfjs engine; @neurite/layers holds the layer registry. A second copy (npm installs one under a
// plugin whose dependency range has drifted) would keep its own registry: layers registered through one
// copy would be unknown to the other, and `instanceof` checks would fail between them. So the second
// copy refuses to load, naming both and how to make them one.
import { NeuriteError } from './errors.js';

const KEY = Symbol.for('@neurite/loaded-copies');

type Copies = Map<string, string>;

/**
 * Where a module URL's package lives: the folder above the last dist/ or src/ in its path (an app may
 * itself sit under a folder named src), else the URL itself.
 */
export function packageFolder(url: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const matches = [...path.matchAll(/\/(dist|src)\//g)];
  const cut = matches.length > 0 ? (matches[matches.length - 1].index ?? -1) : -1;
  return cut > 0 ? path.slice(0, cut) : path;
}

/**
 * Records that `packageName` was loaded from `moduleUrl` (pass `import.meta.url` of the package's
 * entry), and throws if another copy of the same package, from another folder, was loaded before it in
 * this process. The same file evaluated again (a test runner's fresh module graph) is not a second copy.
 * Plugin packages that keep state of their own can call it too. Two copies bundled into one file share
 * the bundle's URL and are not told apart: a bundler should dedupe them (esbuild and Vite do for one
 * installed version; check `npm ls` when two are installed).
 *
 * @example
 * ```ts
 * import { assertSingleCopy } from '@neurite/core';
 * assertSingleCopy('my-neurite-plugin', import.meta.url); // first load: fine
 * assertSingleCopy('my-neurite-plugin', import.meta.url); // same file again: fine
 * ```
 */
export function assertSingleCopy(packageName: string, moduleUrl: string | undefined): void {
  // A bundle without module URLs (an IIFE script) holds one copy of everything it bundled.
  if (typeof moduleUrl !== 'string' || moduleUrl === '') return;
  const global = globalThis as { [KEY]?: Copies };
  const copies = global[KEY] ?? new Map<string, string>();
  global[KEY] = copies;
  const here = packageFolder(moduleUrl);
  const first = copies.get(packageName);
  if (first === undefined) {
    copies.set(packageName, here);
    return;
  }
  if (first === here) return;
  throw new NeuriteError(
    `Two copies of ${packageName} are loaded in this process: ${first} and ${here}. Neurite keeps one ` +
      `${packageName === '@neurite/core' ? 'tensor engine and backend registry' : 'registry'} per process, so what is ` +
      `registered through one copy is unknown to the other. This happens when a plugin lists ${packageName} under ` +
      `"dependencies" with a range the app's copy does not satisfy. Fix: the plugin should list it under ` +
      `"peerDependencies"; then make the versions agree, run \`npm dedupe\` (or reinstall), and check that ` +
      `\`npm ls ${packageName}\` shows one version.`,
  );
}
