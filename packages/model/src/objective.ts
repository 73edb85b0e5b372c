// What a compiled model trains towards, one entry per output: its loss, the loss's weight in the total,
// and its metrics. compile() resolves the user's specs (one for all, a list by output, an object by
// output name) into this list, and the step, the logs, the workers and a save all read it.
import { NeuriteError } from '@neurite/core';
import { getLoss, type Loss, type LossSpec } from '@neurite/losses';
import { getMetric, type Metric } from './metrics.js';

/** One output's part of the training objective. */
export interface OutputObjective {
  /** The output's name (its layer's), as in `model.outputNames`. */
  output: string;
  loss: Loss;
  /** The loss's factor in the total loss (default 1). */
  weight: number;
  metrics: Metric[];
  /** The metrics as given (names, or a custom metric's name), for saving. */
  metricSpecs: string[];
}

/** A loss for every output: one spec for all, a list in output order, or an object keyed by output name. */
export type LossesSpec = LossSpec | LossSpec[] | Record<string, LossSpec>;

/** Metrics: one list for every output, a list of lists in output order, or an object keyed by output name. */
export type MetricsSpec = (string | Metric)[] | (string | Metric)[][] | Record<string, (string | Metric)[]>;

/** Loss weights: a list in output order or an object keyed by output name (missing ones are 1). */
export type LossWeightsSpec = number[] | Record<string, number>;

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** A keyed object of losses, as opposed to one loss given as { className, config } or an instance. */
function isKeyedLosses(v: unknown): v is Record<string, LossSpec> {
  return isPlain(v) && typeof v.className !== 'string' && typeof v.call !== 'function';
}

const quoted = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * Spreads a spec over the outputs: a single value to each, a list by position, an object by name.
 * `single` says whether a value (not a list or an object) is meant for every output.
 */
function perOutput<T>(
  where: string,
  what: string,
  outputs: string[],
  spec: unknown,
  single: (v: unknown) => boolean,
  missing: T | undefined,
): T[] {
  if (single(spec)) return outputs.map(() => spec as T);
  if (Array.isArray(spec)) {
    if (spec.length !== outputs.length) {
      throw new NeuriteError(
        `${where}: ${what} lists ${spec.length} value${spec.length === 1 ? '' : 's'} for a model with ${outputs.length} output${outputs.length === 1 ? '' : 's'} (${quoted(outputs)}). ` +
          'Give one per output, in order, or an object keyed by output name.',
      );
    }
    return spec as T[];
  }
  if (isPlain(spec)) {
    const extra = Object.keys(spec).filter((k) => !outputs.includes(k));
    const absent = outputs.filter((o) => !(o in spec));
    if (extra.length > 0 || (missing === undefined && absent.length > 0)) {
      throw new NeuriteError(
        `${where}: ${what} is keyed by output name; the model's outputs are ${quoted(outputs)}.` +
          (absent.length > 0 && missing === undefined ? ` Missing: ${quoted(absent)}.` : '') +
          (extra.length > 0 ? ` Not outputs: ${quoted(extra)}.` : ''),
      );
    }
    return outputs.map((o) => (o in spec ? (spec[o] as T) : (missing as T)));
  }
  throw new NeuriteError(
    `${where}: ${what} must be one value for every output, a list (one per output) or an object keyed by output name. Received: ${String(spec)}.`,
  );
}

/** Resolves compile()'s loss, lossWeights and metrics for a model's outputs. */
export function resolveObjective(
  where: string,
  outputs: string[],
  loss: LossesSpec,
  lossWeights: LossWeightsSpec | undefined,
  metrics: MetricsSpec | undefined,
): OutputObjective[] {
  const losses = perOutput<LossSpec>(
    where,
    'loss',
    outputs,
    loss,
    (v) => !Array.isArray(v) && !isKeyedLosses(v),
    undefined,
  );
  const weights =
    lossWeights === undefined
      ? outputs.map(() => 1)
      : perOutput<number>(where, 'lossWeights', outputs, lossWeights, () => false, 1);
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new NeuriteError(
        `${where}: lossWeights must be finite numbers >= 0. Received ${typeof w === 'string' ? `the string '${w}'` : String(w)} for output '${outputs[i]}'.`,
      );
    }
  });
  const list = metrics ?? [];
  const flat = (v: unknown) => Array.isArray(v) && v.every((m) => !Array.isArray(m));
  const perMetrics = perOutput<(string | Metric)[]>(where, 'metrics', outputs, list, flat, []);
  return outputs.map((output, i) => {
    const l = getLoss(losses[i]);
    const ms = perMetrics[i];
    if (!Array.isArray(ms)) {
      throw new NeuriteError(
        `${where}: metrics for output '${output}' must be a list, e.g. ['accuracy']. Received: ${String(ms)}.`,
      );
    }
    const resolved = ms.map((m) => getMetric(m, l.targets));
    // Logs key each metric by its name: two that resolve to one name would write over each other.
    const names = resolved.map((m) => m.name);
    const twice = names.find((n, k) => names.indexOf(n) !== k);
    if (twice !== undefined) {
      const given = ms.filter((_, k) => names[k] === twice).map((m) => (typeof m === 'string' ? `'${m}'` : m.name));
      throw new NeuriteError(
        `${where}: the metrics${outputs.length > 1 ? ` of output '${output}'` : ''} name ${twice} twice (${given.join(', ')}); each metric is logged under its name. List it once.`,
      );
    }
    return {
      output,
      loss: l,
      weight: weights[i],
      metrics: resolved,
      metricSpecs: ms.map((m) => (typeof m === 'string' ? m : m.name)),
    };
  });
}

/** The key of an output's loss or metric in logs: `loss`, `accuracy` for one output; `digitLoss`, `digitAccuracy` for several. */
export function logKey(objective: OutputObjective[], output: string, name: string): string {
  if (objective.length === 1) return name;
  return `${output}${name[0].toUpperCase()}${name.slice(1)}`;
}

/**
 * What a pass counts, in order: for a model with several outputs each output's loss, then each metric
 * of each output. A checkpoint's running `counts` follow this order.
 */
export function trackedKeys(objective: OutputObjective[]): string[] {
  const keys: string[] = [];
  if (objective.length > 1) for (const o of objective) keys.push(logKey(objective, o.output, 'loss'));
  for (const o of objective) for (const m of o.metrics) keys.push(logKey(objective, o.output, m.name));
  return keys;
}
