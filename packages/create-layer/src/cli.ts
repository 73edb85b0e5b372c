#!/usr/bin/env node
// npm create @neurite/layer@latest <folder> [--name <package>] [--class <ClassName>]
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ScaffoldError, scaffold } from './scaffold.js';

const usage = `Usage: npm create @neurite/layer@latest <folder> [-- --name <package> --class <ClassName>]

Creates a standalone Neurite layer-plugin package in <folder>: the layer, its tests with Neurite's
conformance kit, TypeScript, vitest, an example runner and changesets.
  --name   the npm package name (default: the folder's name)
  --class  the layer's class name (default: from the package name, layer-swish -> Swish)`;

/** A path as one shell word: plain when it is made of safe characters, else single-quoted. */
function shellWord(text: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(text)) return text;
  const visible = [...text].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? '?' : c)).join('');
  return `'${visible.replace(/'/g, "'\\''")}'`;
}

function main(): number {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { name: { type: 'string' }, class: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(
      `${positionals.length === 0 ? 'Name the folder to create.' : `One folder, please; received ${positionals.length}.`}\n\n${usage}`,
    );
    return 2;
  }
  try {
    const r = scaffold({
      dir: positionals[0],
      name: values.name as string | undefined,
      className: values.class as string | undefined,
    });
    const shown = relative(process.cwd(), r.dir) || '.';
    console.log(
      `Created ${r.name} in ${shellWord(shown)}: the layer ${r.className}, registered as '${r.name}>${r.className}'.`,
    );
    const cd = shown === '.' ? '' : `  cd ${shellWord(shown)}\n`;
    console.log(`\nNext:\n${cd}  npm install\n  npm test\n\nREADME.md says what each script does.`);
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main();
