// The schema of model.json (docs/model-format.md), checked before anything else reads the file: a
// model folder may come from a stranger, so every field is validated for type and range here, and an
// error names the field, what was expected and what was received.
import { NeuriteError } from '@neurite/core';
import * as v from 'valibot';
import { FORMAT_VERSION, type ModelJSON, type SavedPosition } from './types.js';

export { FORMAT_VERSION, type ModelJSON, type SavedPosition } from './types.js';

/** A file name inside the model's folder: no separator, no '..', not absolute, not hidden. */
export const PLAIN_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(
    v.number(`an integer >= ${min}`),
    v.safeInteger(`an integer >= ${min}`),
    v.minValue(min, `an integer >= ${min}`),
    v.maxValue(max, `an integer <= ${max}`),
  );
const finite = v.pipe(v.number('a finite number'), v.finite('a finite number'));
const text = (max: number) => v.pipe(v.string('a string'), v.maxLength(max, `a string of at most ${max} characters`));
const list = <T extends v.GenericSchema>(item: T, max: number) =>
  v.pipe(v.array(item, 'a list'), v.maxLength(max, `a list of at most ${max} items`));
// Objects whose keys a class reads (a layer's or an optimizer's config). valibot drops '__proto__',
// 'prototype' and 'constructor' keys, so a file cannot reach Object.prototype through them.
const plainObject = v.pipe(
  v.custom<Record<string, unknown>>((o) => typeof o === 'object' && o !== null && !Array.isArray(o), 'an object'),
  v.record(v.string(), v.unknown(), 'an object'),
);
const fileName = v.pipe(
  v.string('a file name'),
  v.maxLength(128, 'a file name of at most 128 characters'),
  v.regex(
    PLAIN_FILE_NAME,
    "a plain file name inside the model's folder (letters, digits, '.', '_', '-'; no '/' or '..')",
  ),
);
const shape = list(integer(1), 8);
const checksum = v.pipe(v.string('a checksum'), v.regex(/^fnv1a32:[0-9a-f]{8}$/, "'fnv1a32:' and 8 hex digits"));
const classAndConfig = v.object({ className: text(200), config: v.optional(plainObject) }, 'an object');

const nodeName = v.pipe(text(200), v.minLength(1, 'a non-empty name'));
/** A node of a graph: a name, or [layer name, use] for a shared layer's later use. */
const nodeRef = v.union(
  [nodeName, v.tuple([nodeName, integer(0, 999)], 'a [layer, use] pair')],
  "a node: an input's or a layer's name, or [layer name, use]",
);

const weightEntry = v.object({ path: text(512), shape, byteOffset: integer(0) }, 'an object');
const slotEntry = v.object(
  {
    weight: text(512),
    slot: v.pipe(text(64), v.regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a slot name such as momentum')),
    shape,
    byteOffset: integer(0),
  },
  'an object',
);
const uint32 = integer(0, 2 ** 32 - 1);

/** Where fit() stopped inside an epoch: enough to continue it exactly (see FitOptions.resume). */
const position = v.object(
  {
    epoch: integer(0),
    batch: integer(1),
    batchSize: v.nullable(integer(1)),
    trainSamples: v.nullable(integer(1)),
    permutationSeed: v.nullable(uint32),
    randomState: uint32,
    lossSum: finite,
    samples: integer(0),
    counts: list(v.tuple([finite, finite], 'a pair of numbers'), 64),
    keys: v.optional(list(text(200), 64)),
  },
  'an object',
);

const schema = v.object(
  {
    format: v.literal('neurite-model', '"neurite-model"'),
    formatVersion: integer(1, FORMAT_VERSION),
    name: v.pipe(text(200), v.minLength(1, 'a non-empty string')),
    inputShape: v.optional(shape),
    layers: v.pipe(
      list(
        v.object(
          { className: text(200), config: v.optional(plainObject), inbound: v.optional(list(list(nodeRef, 64), 1000)) },
          'an object',
        ),
        10_000,
      ),
      v.minLength(1, 'a list of at least one layer'),
    ),
    inputs: v.optional(
      v.pipe(
        list(v.object({ name: nodeName, shape }, 'an object'), 64),
        v.minLength(1, 'a list of at least one input'),
      ),
    ),
    outputs: v.optional(v.pipe(list(nodeRef, 64), v.minLength(1, 'a list of at least one output'))),
    compile: v.nullable(
      v.object(
        {
          optimizer: classAndConfig,
          loss: classAndConfig,
          metrics: v.optional(list(text(64), 32), []),
          outputs: v.optional(
            list(
              v.object(
                {
                  name: v.pipe(text(210), v.minLength(1, 'a non-empty name')),
                  loss: classAndConfig,
                  weight: v.pipe(v.number('a number'), v.finite('a finite number'), v.minValue(0, 'a number >= 0')),
                  metrics: v.optional(list(text(64), 32), []),
                },
                'an object',
              ),
              64,
            ),
          ),
        },
        'an object or null',
      ),
    ),
    weights: v.object(
      {
        file: fileName,
        dtype: v.literal('float32', '"float32"'),
        byteOrder: v.literal('little', '"little"'),
        byteLength: integer(0),
        checksum,
        entries: list(weightEntry, 100_000),
      },
      'an object',
    ),
    optimizer: v.optional(
      v.object(
        {
          file: fileName,
          className: text(200),
          iterations: integer(0),
          byteLength: integer(0),
          checksum,
          slots: list(slotEntry, 400_000),
        },
        'an object',
      ),
    ),
    training: v.optional(v.object({ epochs: integer(0), position: v.optional(position) }, 'an object'), {
      epochs: 0,
    }),
    metadata: v.optional(plainObject),
  },
  'an object',
);

// The hand-written types in types.ts and what the schema produces must stay the same: each line fails to
// compile if one side gains or loses a field.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTypes: Same<v.InferOutput<typeof schema>, ModelJSON> = true;
const positionMatchesTypes: Same<v.InferOutput<typeof position>, SavedPosition> = true;
void schemaMatchesTypes;
void positionMatchesTypes;

/** The deepest nesting model.json may have: far more than the format needs (about 6), far less than a stack. */
export const MAX_JSON_DEPTH = 64;

/** How deeply a parsed JSON value nests, walked without recursion (so a deep value cannot overflow). */
export function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, d);
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** A value as an error message shows it: short, one line, control characters escaped. */
export function shown(value: unknown): string {
  let s: string;
  if (value === undefined) return 'nothing';
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** A name in single quotes for a message, control characters escaped as JSON escapes them. */
export function quoted(name: string): string {
  return `'${JSON.stringify(String(name)).slice(1, -1)}'`;
}

function fieldPath(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = item.key as string | number;
    out += typeof key === 'number' ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out;
}

/**
 * Validates model.json's structure. Throws a NeuriteError naming the first bad field, what it should
 * be and what it is; `source` is the folder or URL, for the message.
 */
export function parseModelJson(json: unknown, source: string): ModelJSON {
  const fail = (what: string, fix: string): never => {
    throw new NeuriteError(`Cannot load the model at ${source}: ${what} ${fix}`);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    fail(`model.json holds ${shown(json)}, not an object.`, 'Point at a folder written by model.save().');
  }
  const head = json as { format?: unknown; formatVersion?: unknown };
  if (head.format !== 'neurite-model') {
    fail(
      `model.json is not a Neurite model (expected "format": "neurite-model", received ${shown(head.format)}).`,
      'Point at a folder written by model.save().',
    );
  }
  if (typeof head.formatVersion === 'number' && head.formatVersion > FORMAT_VERSION) {
    fail(
      `model.json has format version ${head.formatVersion}, newer than this @neurite/model reads (${FORMAT_VERSION}).`,
      'Upgrade @neurite/model to load it.',
    );
  }
  if (depthOf(json) > MAX_JSON_DEPTH) {
    fail(
      `model.json nests objects and lists more than ${MAX_JSON_DEPTH} levels deep (a learning-rate schedule or metadata, say).`,
      'The file was edited or is corrupt: save the model again.',
    );
  }
  const result = v.safeParse(schema, json, { abortEarly: true });
  if (!result.success) {
    const issue = result.issues[0];
    const field = fieldPath(issue) || '(top level)';
    fail(
      issue.input === undefined
        ? `model.json field ${field} is missing.`
        : `model.json field ${field}: expected ${issue.message}, received ${shown(issue.input)}.`,
      'The file was edited or is corrupt: save the model again.',
    );
  }
  return result.output as ModelJSON;
}
