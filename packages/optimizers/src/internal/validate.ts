import { NeuriteError } from '@neurite/core';

/** Renders a received value for an error message: strings quoted, objects as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function fail(owner: string, key: string, expected: string, value: unknown, fix: string): never {
  throw new NeuriteError(`${owner}: ${key} must be ${expected}. Received: ${key}=${show(value)}. ${fix}`);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A finite number >= 0 (learning rates, epsilon, weight decay, initial values). */
export function nonNegative(owner: string, key: string, value: unknown, fix: string): number {
  if (!isNumber(value) || value < 0) fail(owner, key, 'a finite number >= 0', value, fix);
  return value;
}

/** A finite number > 0 (clipping thresholds, decay rates). */
export function positive(owner: string, key: string, value: unknown, fix: string): number {
  if (!isNumber(value) || value <= 0) fail(owner, key, 'a finite number > 0', value, fix);
  return value;
}

/** An integer > 0 (step sizes, decay steps). */
export function positiveInt(owner: string, key: string, value: unknown, fix: string): number {
  if (!isNumber(value) || !Number.isInteger(value) || value <= 0) fail(owner, key, 'an integer > 0', value, fix);
  return value;
}

/** A number in [lo, hi) or, with hiOpen false, [lo, hi]. */
export function inRange(
  owner: string,
  key: string,
  value: unknown,
  range: { lo: number; hi: number; hiOpen: boolean },
  fix: string,
): number {
  const { lo, hi, hiOpen } = range;
  if (!isNumber(value) || value < lo || (hiOpen ? value >= hi : value > hi)) {
    fail(owner, key, `in [${lo}, ${hi}${hiOpen ? ')' : ']'}`, value, fix);
  }
  return value;
}

/** A boolean flag. */
export function bool(owner: string, key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(owner, key, 'true or false', value, `Pass ${key}: true or ${key}: false.`);
  return value;
}
