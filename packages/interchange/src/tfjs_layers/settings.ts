// One Keras layer's config while it is translated: keys camel-cased (as tfjs does on load), each key
// marked as read, and what cannot be honoured collected as problems (all of a model's at once) or,
// when it only changes training, as notes.

/** snake_case -> camelCase, as tfjs-layers reads a Keras config: `kernel_size` -> `kernelSize`. */
export const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** camelCase -> snake_case, as Keras writes: `kernelSize` -> `kernel_size`, `movingMean` -> `moving_mean`. */
export const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** A value from a file, shown short and on one line in a message. */
export function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped here.
  s = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

// Keys every Keras layer may carry that say nothing about what it computes (or that Neurite reads elsewhere).
const BOOKKEEPING = new Set([
  'name',
  'trainable',
  'dtype',
  'batchInputShape',
  'batchShape',
  'batchSize',
  'inputShape',
  'inputDtype',
  'sparse',
  'ragged',
  'autocast',
]);

/** What a translation found: problems stop the load (all listed in one message); notes are reported. */
export interface Findings {
  problems: string[];
  notes: string[];
}

export class KerasSettings {
  private readonly read = new Set<string>();
  private readonly values: Record<string, unknown> = {};

  constructor(
    /** `Conv2D 'conv1'`, for messages. */
    readonly where: string,
    raw: Record<string, unknown>,
    private readonly findings: Findings,
  ) {
    for (const [k, v] of Object.entries(raw)) this.values[camel(k)] = v;
  }

  /** The value of `key` (camelCase), or `fallback` when it is absent or null. */
  get<T>(key: string, fallback?: T): T {
    this.read.add(key);
    const v = this.values[key];
    return (v === undefined || v === null ? fallback : v) as T;
  }

  /** Whether the file sets `key` at all. */
  has(key: string): boolean {
    return this.values[key] !== undefined && this.values[key] !== null;
  }

  /** Records that `key`'s value cannot be honoured: `expected` says what Neurite supports. */
  problem(key: string, expected: string): void {
    this.findings.problems.push(
      `${this.where}: ${snake(key)}=${show(this.values[key])} (Neurite supports ${expected})`,
    );
  }

  /** Reads `key` and records a problem unless it is absent or `ok` accepts it. */
  require(key: string, ok: (v: unknown) => boolean, expected: string): void {
    if (this.has(key) && !ok(this.get(key))) this.problem(key, expected);
    this.read.add(key);
  }

  note(text: string): void {
    this.findings.notes.push(`${this.where}: ${text}`);
  }

  /**
   * After the translation: regularizers and constraints (training only) become notes, and any other key
   * the translation did not read and that is set becomes a note, so nothing is dropped unsaid.
   */
  finish(): void {
    for (const [k, v] of Object.entries(this.values)) {
      if (this.read.has(k) || BOOKKEEPING.has(k) || v === null || v === undefined) continue;
      if (/Regularizer$|Constraint$/.test(k)) {
        this.note(`${snake(k)} ignored (Neurite layers have none; training here differs, predictions do not).`);
      } else if (k === 'dataFormat') {
        if (v !== 'channels_last' && v !== 'channelsLast') this.problem(k, "'channels_last' only");
      } else if (!['module', 'registeredName', 'buildConfig', 'seed', 'inputLength'].includes(k)) {
        this.note(`${snake(k)}=${show(v)} ignored.`);
      }
    }
  }
}
