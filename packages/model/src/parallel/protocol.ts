// What the main thread and its training workers share: the layout of the shared memory and the control
// words. Both sides compute a shard's gradient with step.ts's one gradient function, so the two can
// only differ by the shard they are given.
import type { ArchitectureJSON } from '../contract.js';

/** Int32 words per worker in the control buffer. */
export const CONTROL_WORDS = 8;
/** Bumped by the main thread to start a command; the worker waits on it. */
export const GO = 0;
/** Set by the worker to the GO value it has finished; the main thread waits on it. */
export const DONE = 1;
/** Samples in this worker's shard. */
export const SIZE = 2;
/** Seed for the worker's random ops (dropout) in this step. */
export const SEED = 3;
export const COMMAND = 4;
/** 1 when a new layout was posted before this command: the worker reads it with receiveMessageOnPort. */
export const RELAYOUT = 5;

export const STEP = 1;
export const STOP = 2;

export type HostDtype = 'float32' | 'int32';

/** Sizes of one worker's shard buffer; a change (a larger batch, other targets) posts a new one. */
export interface ShardLayout {
  /** Samples the buffer holds. */
  capacity: number;
  /** Per-sample shapes (no batch axis): each input's, each output's targets', each output's. */
  xShapes: number[][];
  yShapes: number[][];
  outShapes: number[][];
  xDtypes: HostDtype[];
  yDtypes: HostDtype[];
  /** Scalars in all trainable weights: the gradient's length. */
  params: number;
}

/** What a worker receives once, as workerData. */
export interface WorkerInit {
  index: number;
  backend: string;
  /** The main thread's getWasmDir(), so that a worker's wasm backend loads the same binaries. */
  wasmDir: string;
  model: ArchitectureJSON;
  /** Each output's loss and its weight in the total, in output order. */
  objective: { loss: { className: string; config: Record<string, unknown> }; weight: number }[];
  /** Every weight in model order. */
  weights: { path: string; shape: number[] }[];
  /** The paths of the weights whose gradient the worker computes, in the gradient's order. */
  trainable: string[];
  control: SharedArrayBuffer;
  /** Every weight's values, in order, written by the main thread before each step. */
  weightBuffer: SharedArrayBuffer;
  layout: ShardLayout;
  shard: SharedArrayBuffer;
  /** A module URL the worker imports (and calls its default export) before rebuilding the model. */
  workerSetup?: string;
}

/** A message from a worker to the main thread. */
export type WorkerMessage = { type: 'ready' } | { type: 'error'; message: string; name?: string };

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Float32 views of one worker's shard buffer: gradient, each output's predictions, each input, each output's targets. */
export interface ShardViews {
  grads: Float32Array;
  preds: Float32Array[];
  x: Float32Array[];
  y: Float32Array[];
}

const total = (shapes: number[][]) => shapes.reduce((n, s) => n + prod(s), 0);

export function shardBytes(l: ShardLayout): number {
  return 4 * (l.params + l.capacity * (total(l.outShapes) + total(l.xShapes) + total(l.yShapes)));
}

export function shardViews(buffer: SharedArrayBuffer, l: ShardLayout): ShardViews {
  let at = 0;
  const take = (n: number) => {
    const v = new Float32Array(buffer, at * 4, n);
    at += n;
    return v;
  };
  return {
    grads: take(l.params),
    preds: l.outShapes.map((s) => take(l.capacity * prod(s))),
    x: l.xShapes.map((s) => take(l.capacity * prod(s))),
    y: l.yShapes.map((s) => take(l.capacity * prod(s))),
  };
}

/** Splits n samples into `parts` shards as evenly as possible, the larger ones first. */
export function shardSizes(n: number, parts: number): number[] {
  const base = Math.floor(n / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < n % parts ? 1 : 0));
}
