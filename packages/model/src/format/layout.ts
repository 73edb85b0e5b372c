// The binary layout a model.json promises, checked against the architecture before a byte of the
// binary files is read: each entry must be exactly the weight the layers create at that position, with
// its shape, at the offset docs/model-format.md defines (no gaps, no overlaps), so a file can neither
// load wrong weights silently nor make the loader allocate more than the file holds.
import { NeuriteError } from '@neurite/core';
import type { Layer, PlannedWeight } from '@neurite/layers';
import type { Optimizer } from '@neurite/optimizers';
import type { ModelJSON } from './schema.js';

/** Size limits for loading a model from files someone else may have made. */
export interface LoadLimits {
  /**
   * The most bytes of binary files (weights and optimizer state together) the loader accepts. Default
   * 256 MiB (`DEFAULT_MAX_BYTES`); raise it for bigger models: `loadModel(dir, { maxBytes: 2 ** 31 })`.
   * Loading costs about twice this in memory (the file, then the tensors).
   */
  maxBytes?: number;
}

/** The default `maxBytes`: 256 MiB, far above any model this library trains on MNIST (3.6 MB with Adam's state). */
export const DEFAULT_MAX_BYTES = 256 * 2 ** 20;
/** The largest model.json a loader parses: 16 MiB. */
export const MAX_MODEL_JSON_BYTES = 16 * 2 ** 20;

export function resolveLimits(options: LoadLimits): Required<LoadLimits> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new NeuriteError(`loadModel: maxBytes must be an integer >= 0. Received: maxBytes=${String(maxBytes)}.`);
  }
  return { maxBytes };
}

const show = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function fail(source: string, what: string, fix = 'The file was edited or is corrupt: save the model again.'): never {
  throw new NeuriteError(`Cannot load the model at ${source}: ${what} ${fix}`);
}

function checkLimit(source: string, file: string, bytes: number, left: number): void {
  if (bytes > left) {
    fail(
      source,
      `${file} would hold ${bytes} bytes; the loader's limit (maxBytes) leaves ${left} for it.`,
      'If you trust the file, raise the limit: loadModel(dir, { maxBytes }).',
    );
  }
}

/** Checks weights.entries against the planned weights; returns the byte length weights.bin must have. */
export function checkWeightLayout(
  j: ModelJSON,
  planned: { layer: Layer; weight: PlannedWeight }[],
  limits: Required<LoadLimits>,
  source: string,
): number {
  const entries = j.weights.entries;
  if (entries.length !== planned.length) {
    fail(source, `model.json lists ${entries.length} weights but its layers create ${planned.length}.`);
  }
  let offset = 0;
  planned.forEach(({ layer, weight }, i) => {
    const e = entries[i];
    const where = `weights.entries[${i}]`;
    if (e.path !== weight.path) {
      fail(source, `${where} is ${JSON.stringify(e.path)}; layer '${layer.name}' creates '${weight.path}' there.`);
    }
    if (e.shape.length !== weight.shape.length || e.shape.some((d, k) => d !== weight.shape[k])) {
      fail(source, `${where} ('${weight.path}') has shape ${show(e.shape)}; the layer creates ${show(weight.shape)}.`);
    }
    if (e.byteOffset !== offset) {
      fail(
        source,
        `${where} ('${weight.path}') starts at byte ${e.byteOffset}; the format puts it at ${offset}, right after the weight before it.`,
      );
    }
    offset += 4 * size(weight.shape);
    if (!Number.isSafeInteger(offset)) fail(source, `the weights add up to more bytes than a file can hold.`);
  });
  checkLimit(source, j.weights.file, offset, limits.maxBytes);
  if (j.weights.byteLength !== offset) {
    fail(source, `weights.byteLength is ${j.weights.byteLength}; its entries add up to ${offset} bytes.`);
  }
  return offset;
}

/**
 * Checks optimizer.slots against the planned weights and the optimizer's own slot names. The limit is
 * for both binary files together: the optimizer's file gets what `weightBytes` leaves of it.
 */
export function checkOptimizerLayout(
  j: ModelJSON,
  planned: { layer: Layer; weight: PlannedWeight }[],
  optimizer: Optimizer | undefined,
  limits: Required<LoadLimits>,
  source: string,
  weightBytes: number,
): number {
  const o = j.optimizer as NonNullable<ModelJSON['optimizer']>;
  const compiled = j.compile?.optimizer.className;
  if (!compiled || !optimizer) fail(source, 'model.json has optimizer state but no compile settings.');
  if (o.className !== compiled) {
    fail(source, `optimizer.className is ${JSON.stringify(o.className)} but the model compiles a ${compiled}.`);
  }
  const slotNames = (optimizer.constructor as unknown as { slotNames: readonly string[] }).slotNames;
  const shapes = new Map(planned.map(({ weight }) => [weight.path, weight.shape]));
  const seen = new Set<string>();
  let offset = 0;
  o.slots.forEach((s, i) => {
    const where = `optimizer.slots[${i}]`;
    const shape = shapes.get(s.weight);
    if (!shape) fail(source, `${where} belongs to ${JSON.stringify(s.weight)}, which is not a weight of this model.`);
    if (!slotNames.includes(s.slot)) {
      fail(source, `${where} is a slot named '${s.slot}'; a ${compiled} has: ${slotNames.join(', ') || 'none'}.`);
    }
    const key = `${s.weight}\u0000${s.slot}`;
    if (seen.has(key)) fail(source, `${where} repeats slot '${s.slot}' of '${s.weight}'.`);
    seen.add(key);
    if (s.shape.length !== shape.length || s.shape.some((d, k) => d !== shape[k])) {
      fail(source, `${where} ('${s.weight}' ${s.slot}) has shape ${show(s.shape)}; the weight has ${show(shape)}.`);
    }
    if (s.byteOffset !== offset) {
      fail(
        source,
        `${where} starts at byte ${s.byteOffset}; the format puts it at ${offset}, right after the slot before it.`,
      );
    }
    offset += 4 * size(shape);
  });
  checkLimit(source, o.file, offset, Math.max(0, limits.maxBytes - weightBytes));
  if (o.byteLength !== offset)
    fail(source, `optimizer.byteLength is ${o.byteLength}; its slots add up to ${offset} bytes.`);
  return offset;
}
