// Eager validation shared by every loss: bad input fails here, before any tensor is made, with a
// message that says what failed, what was expected, what was received and how to fix it.
import { NeuriteError, type Tensor } from '@neurite/core';
import type { Reduction } from '../types.js';

const reductions: readonly Reduction[] = ['mean', 'sum', 'none'];

/** The values an option may take, as a sentence fragment; undefined when `value` is fine. */
const optionRules: Record<string, (value: unknown) => string | undefined> = {
  reduction: (v) => (reductions.includes(v as Reduction) ? undefined : "must be one of 'mean', 'sum', 'none'"),
  fromLogits: (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean'),
  labelSmoothing: (v) => (typeof v === 'number' && v >= 0 && v <= 1 ? undefined : 'must be a number in [0, 1]'),
  delta: (v) => (typeof v === 'number' && v > 0 && Number.isFinite(v) ? undefined : 'must be a positive number'),
};

/** A value as it appears after `Received:` in a message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) return JSON.stringify(value);
  return String(value);
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Checks `options` against the keys of `defaults` and the rules above, and returns every option
 * with its value (defaults filled in), which is also the loss's serializable config.
 */
export function resolveOptions<T extends object>(loss: string, options: unknown, defaults: T): T {
  if (options === undefined || options === null) return { ...defaults };
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new NeuriteError(`${loss}: options must be an object. Received: ${show(options)}.`);
  }
  const known = Object.keys(defaults);
  const resolved: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(options)) {
    if (!known.includes(key)) {
      const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const fix = known.includes(camel) ? `Did you mean '${camel}'?` : 'Remove it or use one of those.';
      throw new NeuriteError(
        `${loss}: unknown option '${key}'. Expected one of: ${known.join(', ')}. Received: ${key}=${show(value)}. ${fix}`,
      );
    }
    if (value === undefined) continue;
    const problem = optionRules[key]?.(value);
    if (problem) throw new NeuriteError(`${loss}: ${key} ${problem}. Received: ${key}=${show(value)}.`);
    resolved[key] = value;
  }
  return resolved as T;
}

export function checkTensor(loss: string, name: 'yTrue' | 'yPred', value: unknown): asserts value is Tensor {
  const ok = typeof value === 'object' && value !== null && Array.isArray((value as Tensor).shape);
  if (!ok || typeof (value as Tensor).dtype !== 'string') {
    const received = Array.isArray(value) ? 'an array' : show(value);
    throw new NeuriteError(
      `${loss}: ${name} must be a Tensor. Received: ${received}. Wrap plain numbers with tensor() from @neurite/core.`,
    );
  }
}

/** For the losses that compare yTrue and yPred element by element. */
export function checkSameShape(loss: string, yTrue: unknown, yPred: unknown, crossentropy = false): void {
  checkTensor(loss, 'yTrue', yTrue);
  checkTensor(loss, 'yPred', yPred);
  const t = yTrue.shape;
  const p = yPred.shape;
  if (t.length === p.length && t.every((d, i) => d === p[i])) {
    if (p.length === 0) {
      throw new NeuriteError(
        `${loss}: yTrue and yPred must have at least one dimension (the last one is averaged or summed per sample). ` +
          `Received: yTrue [], yPred []. Reshape scalars to [1].`,
      );
    }
    return;
  }
  const prefix = p.slice(0, -1);
  const samePrefix = (s: readonly number[]) => s.length === prefix.length && s.every((d, i) => d === prefix[i]);
  const looksLikeLabels = samePrefix(t) || (samePrefix(t.slice(0, -1)) && t[t.length - 1] === 1);
  let fix = 'Make the model output the shape of the targets.';
  if (crossentropy && looksLikeLabels && p[p.length - 1] > 1) {
    fix = 'For integer class labels with softmax outputs, use sparseCategoricalCrossentropy.';
  } else if (yTrue.size === yPred.size) {
    fix = `Reshape yTrue with yTrue.reshape(${shapeText(p)}).`;
  }
  throw new NeuriteError(
    `${loss}: yTrue and yPred must have the same shape. Received: yTrue ${shapeText(t)}, yPred ${shapeText(p)}. ${fix}`,
  );
}
