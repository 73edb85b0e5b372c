// The one way the layers reader refuses a file: what failed and how to fix it, naming the file.
import { NeuriteError } from '@neurite/core';

/** Throws the reader's NeuriteError: `Cannot read the layers model <source>: <what> <fix>`. */
export function cannot(source: string, what: string, fix: string): never {
  throw new NeuriteError(`Cannot read the layers model ${source}: ${what} ${fix}`);
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
