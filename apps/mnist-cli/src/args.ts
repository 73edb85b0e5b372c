import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** The program's name in messages: neurite-mnist, or neurite (set by its entry point). */
export const cli = { program: 'neurite-mnist' };

export type Spec = Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;

const common: Spec = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean' },
  backend: { type: 'string' },
};

/** Parses a command's flags; unknown flags and missing values are usage errors (exit 2). */
export function parse(command: string, argv: string[], spec: Spec, positionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...common, ...spec }, allowPositionals: positionals, strict: true });
  } catch (e) {
    const text = (e as Error).message;
    const ambiguous = /^Option '(-[-\w]+)[^']*' argument is ambiguous/.exec(text);
    if (ambiguous) {
      const flag = ambiguous[1];
      throw new UsageError(
        `${command}: ${flag} needs a value, and the argument after it starts with '-'. ` +
          `To give a value that starts with '-', write ${flag}=<value>.`,
      );
    }
    // parseArgs explains over several lines; the first says what is wrong.
    const msg = text
      .split('\n')[0]
      .replace(/\. To specify a positional argument.*$/s, '')
      .replace(/\.$/, '')
      .replace(/^Unknown option/, 'unknown option');
    throw new UsageError(`${command}: ${msg}. Run ${cli.program} ${command} --help for the options.`);
  }
}

/** A flag that must be a positive integer (or undefined). */
export function int(command: string, name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  // Digits only: Number() would also take '', ' 1', '0x10' and '1e3'.
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${command}: --${name} must be an integer >= ${min}. Received: --${name} ${value}.`);
  }
  return n;
}

/** A flag that must be a number in (lo, hi) (or undefined). */
export function num(
  command: string,
  name: string,
  value: string | undefined,
  lo: number,
  hi: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n <= lo || n >= hi) {
    throw new UsageError(
      `${command}: --${name} must be a number between ${lo} and ${hi}. Received: --${name} ${value}.`,
    );
  }
  return n;
}
