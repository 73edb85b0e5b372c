import { NeuriteError } from '@neurite/core';

/** Throws `<Layer>: <key> must be a positive integer. Received: <key>=<value>.` unless it is one. */
export function positiveInt(owner: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new NeuriteError(`${owner}: ${key} must be a positive integer. Received: ${key}=${show(value)}.`);
  }
  return value;
}

/**
 * The largest window, stride or dilation a layer accepts along one axis: no image Neurite reads has a
 * longer side, and a model file from a stranger must not make a layer allocate by its settings.
 */
export const MAX_WINDOW = 16384;

/** A positive integer or a pair of them, as Keras accepts for kernel sizes, strides and pool sizes, each at most `max`. */
export function intPair(owner: string, key: string, value: unknown, max = MAX_WINDOW): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v > 0)) {
    throw new NeuriteError(
      `${owner}: ${key} must be a positive integer or a pair of them, e.g. 3 or [3, 3]. Received: ${key}=${show(value)}.`,
    );
  }
  if (pair.some((v) => v > max)) {
    throw new NeuriteError(`${owner}: ${key} must be at most ${max} along each axis. Received: ${key}=${show(value)}.`);
  }
  return [pair[0], pair[1]];
}

/** A positive integer or a list of one (Keras accepts a 1-tuple; tfjs-layers saves one), at most MAX_WINDOW. */
export function intOrOne(owner: string, key: string, value: unknown, example = 3): number {
  const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new NeuriteError(
      `${owner}: ${key} must be a positive integer or a list of one, e.g. ${example} or [${example}]. Received: ${key}=${show(value)}.`,
    );
  }
  if (v > MAX_WINDOW) {
    throw new NeuriteError(`${owner}: ${key} must be at most ${MAX_WINDOW}. Received: ${key}=${show(value)}.`);
  }
  return v;
}

export function oneOf<T extends string>(owner: string, key: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new NeuriteError(
      `${owner}: ${key} must be one of ${choices.map((c) => `'${c}'`).join(', ')}. Received: ${key}=${show(value)}.`,
    );
  }
  return value as T;
}

export function inRange(owner: string, key: string, value: unknown, lo: number, hi: number, hiOpen = true): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < lo || (hiOpen ? value >= hi : value > hi)) {
    throw new NeuriteError(
      `${owner}: ${key} must be in [${lo}, ${hi}${hiOpen ? ')' : ']'}. Received: ${key}=${show(value)}.`,
    );
  }
  return value;
}

export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
