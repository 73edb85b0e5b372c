// Writes a standalone Neurite layer-plugin package from template/ (files ending .tmpl, with {{...}}
// placeholders). The project is written into a temporary sibling folder and renamed into place, so a
// failure never leaves half a project behind.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const templateDir = join(here, '..', 'template');
const ownVersion: string = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')).version;

/** The versions a new plugin starts with: Neurite's matching this scaffold, tools known to work with it. */
export const VERSIONS = {
  // Any later 0.x, as Neurite's own packages say of each other: under semver `^0.1.0` refuses 0.2.0, so
  // every app would fail to install the plugin next to the next minor release. From 1.0: `^1.0.0`.
  neurite: ownVersion.startsWith('0.') ? `>=${ownVersion} <1` : `^${ownVersion}`,
  changesets: '^2.31.1',
  typesNode: '^24.19.4',
  typescript: '~6.0.3',
  vitest: '^4.1.12',
};

/** What `npm create @neurite/layer` was asked for. */
export interface ScaffoldOptions {
  /** The folder to create (it must not exist, or be empty). */
  dir: string;
  /** The npm package name; by default the folder's name. */
  name?: string;
  /** The layer's class name; by default from the package name (`layer-swish` gives `Swish`). */
  className?: string;
}

/** What was written. */
export interface ScaffoldResult {
  dir: string;
  name: string;
  className: string;
  files: string[];
}

/** An error whose message is meant for the person who typed the command. */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

// npm's rules for a new package's name: lowercase, URL-safe, not a Node core module, not a reserved name.
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const RESERVED_NAMES = new Set(['node_modules', 'favicon.ico', ...builtinModules.map((m) => m.replace(/^node:/, ''))]);
const CLASS_NAME = /^[A-Z][A-Za-z0-9]*$/;
// Names the generated files import or use as globals: a layer class of that name would shadow them.
const TAKEN = new Set([
  'Layer',
  'LayerConfig',
  'Tensor',
  'Shape',
  'NeuriteError',
  'Dense',
  'Object',
  'Function',
  'Array',
  'Number',
  'String',
  'Boolean',
  'Symbol',
  'BigInt',
  'Error',
  'Promise',
  'Map',
  'Set',
  'JSON',
  'Math',
  'Date',
  'RegExp',
  'Proxy',
  'Reflect',
]);

/** `@me/layer-swish` -> `Swish`, `my-cool-layer` -> `MyCoolLayer`. */
export function classNameFor(name: string): string {
  const last = name.split('/').pop() ?? name;
  const words = last
    .replace(/^(neurite-)?layer-/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const joined = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return /^[A-Z]/.test(joined) ? joined : `Layer${joined}`;
}

function snake(className: string): string {
  return className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/** Writes the project; throws a ScaffoldError that says what to change when it cannot. */
export function scaffold(options: ScaffoldOptions): ScaffoldResult {
  if (typeof options.dir !== 'string' || options.dir.trim() === '') {
    throw new ScaffoldError('Say where to create the plugin: npm create @neurite/layer@latest my-layer');
  }
  const dir = resolve(options.dir);
  const name = options.name ?? basename(dir);
  if (name.length > 214 || !PACKAGE_NAME.test(name) || RESERVED_NAMES.has(name)) {
    throw new ScaffoldError(
      `'${name}' is not a valid npm package name (lowercase letters, digits, '-', '.', '_', optionally @scope/; ` +
        'not a Node core module such as http). ' +
        'Pick another folder name, or pass --name my-layer.',
    );
  }
  const className = options.className ?? classNameFor(name);
  if (!CLASS_NAME.test(className) || className.length > 100) {
    throw new ScaffoldError(
      `'${className}' cannot be the layer's class name: it must start with a capital letter and hold only ` +
        'letters and digits (at most 100). Pass e.g. --class Swish.',
    );
  }
  // The class's file is src/<snake_case>.ts and its register function register<Class>: neither may
  // replace src/index.ts or an imported name (registerLayers).
  if (
    TAKEN.has(className) ||
    TAKEN.has(`${className}Config`) ||
    snake(className) === 'index' ||
    className === 'Layers'
  ) {
    throw new ScaffoldError(
      `'${className}' cannot be the layer's class name: the generated code already uses that name ` +
        `(${[...TAKEN, 'Index', 'Layers'].join(', ')}). Pass another, e.g. --class My${className}.`,
    );
  }
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new ScaffoldError(`${dir} already exists and is not an empty folder. Choose a new folder name.`);
  }
  const values: Record<string, string> = {
    name,
    className,
    fileName: snake(className),
    neuriteRange: VERSIONS.neurite,
    changesetsRange: VERSIONS.changesets,
    typesNodeRange: VERSIONS.typesNode,
    typescriptRange: VERSIONS.typescript,
    vitestRange: VERSIONS.vitest,
  };
  const fill = (text: string) =>
    text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`template: unknown placeholder {{${key}}}`);
      return value;
    });

  mkdirSync(dirname(dir), { recursive: true });
  const staging = join(dirname(dir), `.${basename(dir)}.creating-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const files: string[] = [];
  try {
    for (const file of templateFiles(templateDir)) {
      const target = fill(file.replace(/\.tmpl$/, '').replace(/(^|\/)_gitignore$/, '$1.gitignore'));
      const path = join(staging, target);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, fill(readFileSync(join(templateDir, file), 'utf8')));
      files.push(relative(staging, path));
    }
    if (existsSync(dir)) {
      // An existing empty folder (`create .` in a new folder) is kept, with its owner and permissions
      // and whoever stands in it: the files move in, and on a failure they move out again.
      const moved: string[] = [];
      try {
        for (const entry of readdirSync(staging)) {
          renameSync(join(staging, entry), join(dir, entry));
          moved.push(entry);
        }
      } catch (error) {
        for (const entry of moved) rmSync(join(dir, entry), { recursive: true, force: true });
        throw error;
      }
      rmSync(staging, { recursive: true, force: true });
    } else {
      renameSync(staging, dir);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return { dir, name, className, files };
}
