import { NeuriteError } from '../errors.js';

const show = (v: unknown): string =>
  typeof v === 'number'
    ? String(v)
    : Array.isArray(v)
      ? `[${v.map(show).join(',')}]`
      : (JSON.stringify(v) ?? String(v));

/** A positive integer or a pair of them (windows, strides, dilations) for the op named `op`. */
export function intPair(op: string, key: string, value: number | [number, number]): [number, number] {
  const p: unknown[] = Array.isArray(value) ? value : [value, value];
  if (p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)) {
    throw new NeuriteError(
      `${op}: ${key} must be a positive integer or a pair of them, e.g. 2 or [2, 2]. Received: ${key}=${show(value)}.`,
    );
  }
  return p as [number, number];
}
