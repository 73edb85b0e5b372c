// The one training step. A batch arrives as host arrays (one per model input and one per output's
// targets) and becomes tensors here, inside the step's scope, or as a dataset's tensors (data.ts put
// them in graph order and checked them); the gradient function below is the only one: fit's local
// step, the main thread's shard and every worker's shard all call it.
import { keep, type NamedTensorMap, type Tensor, tensor, tidy, type Variable, variableGrads } from '@neurite/core';
import type { FitModel } from './contract.js';
import type { OutputObjective } from './objective.js';

/** One input's or one output's targets in a batch: values for `n` samples of `shape` (no batch axis). */
export interface HostPart {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** A batch as host arrays: `n` samples, a part per model input (`x`) and per output (`y`), in graph order. */
export interface HostBatch {
  n: number;
  x: HostPart[];
  y: HostPart[];
}

/** A dataset's batch: its tensors in graph order, checked (data.ts frees them after the step). */
export interface TensorBatch {
  n: number;
  xs: Tensor[];
  ys: Tensor[];
}

/** What a step takes: host arrays (from arrays) or tensors (from a dataset). */
export type StepBatch = HostBatch | TensorBatch;

export function isHostBatch(b: StepBatch): b is HostBatch {
  return Array.isArray((b as HostBatch).x);
}

/** One step's results, before they are read back: the total loss, each output's loss (several outputs), the metric counts. */
export type StepResult = [Tensor, Tensor[], Tensor[]];

/** The first `n` samples of a part as a tensor (a copy: the part's buffer may be reused). */
export function partTensor(p: HostPart, n: number): Tensor {
  const size = n * p.shape.reduce((a, b) => a * b, 1);
  return tensor(p.values.slice(0, size), [n, ...p.shape], p.dtype);
}

/** The total loss (each output's loss times its weight, summed) and, with several outputs, each part. */
export function objectiveLoss(
  objective: OutputObjective[],
  ys: Tensor[],
  preds: Tensor[],
): { total: Tensor; parts: Tensor[] } {
  const parts = objective.map((o, i) => o.loss.call(ys[i], preds[i]));
  if (objective.length === 1 && objective[0].weight === 1) return { total: parts[0], parts };
  let total = parts[0].mul(objective[0].weight);
  for (let i = 1; i < parts.length; i++) total = total.add(parts[i].mul(objective[i].weight));
  return { total, parts };
}

/** Every output's metric counts, in the objective's order (see trackedKeys). */
export function metricCounts(objective: OutputObjective[], ys: Tensor[], preds: Tensor[]): Tensor[] {
  return objective.flatMap((o, i) => o.metrics.map((m) => m.counts(ys[i], preds[i])));
}

/** What one gradient computation returns; `release()` frees `preds` and `parts`, which no scope frees (keep()). */
// A type, not an interface: tidy() returns it, and only a type alias fits tidy's TensorContainer.
export type Gradients = {
  /** The total loss. */
  value: Tensor;
  /** With several outputs, each output's loss (the total's parts, before weighting); else empty. */
  parts: Tensor[];
  grads: NamedTensorMap;
  /** Each output's predictions. */
  preds: Tensor[];
};

/** The one gradient function of training: forward in training mode, the objective's loss, its gradient. Call it inside tidy(). */
export function gradients(
  model: FitModel,
  objective: OutputObjective[],
  vars: Variable[],
  xs: Tensor[],
  ys: Tensor[],
): Gradients {
  let preds: Tensor[] = [];
  let parts: Tensor[] = [];
  try {
    const r = variableGrads(() => {
      preds = model.callAll(xs, { training: true }).map((p) => keep(p));
      const l = objectiveLoss(objective, ys, preds);
      parts = objective.length > 1 ? l.parts.map((p) => keep(p)) : [];
      return l.total as never;
    }, vars);
    return { value: r.value, parts, grads: r.grads, preds };
  } catch (e) {
    // A loss that throws (a custom one, shapes that do not match) must not leak what keep() shielded.
    release({ preds, parts });
    throw e;
  }
}

/** Frees what gradients() kept out of every scope: the predictions and the per-output losses. */
export function release(g: Pick<Gradients, 'preds' | 'parts'>): void {
  for (const t of g.preds) t.dispose();
  for (const t of g.parts) t.dispose();
}

/** The local step: tensors from the batch, the one gradient function, the optimizer; or, evaluating, the loss alone. */
export function localStep(model: FitModel, vars: Variable[], train: boolean, batch: StepBatch): StepResult {
  const { optimizer, objective } = model.requireCompiled(train ? 'fit' : 'evaluate');
  // Every step runs in a scope: only the loss, its parts and the metric counts survive it.
  return tidy(() => {
    const xs = isHostBatch(batch) ? batch.x.map((p) => partTensor(p, batch.n)) : batch.xs;
    const ys = isHostBatch(batch) ? batch.y.map((p) => partTensor(p, batch.n)) : batch.ys;
    if (train) {
      const g = gradients(model, objective, vars, xs, ys);
      optimizer.applyGradients(g.grads);
      const counted = metricCounts(objective, ys, g.preds);
      // gradients() kept the predictions out of its scope; free them by hand (the parts are returned).
      release({ preds: g.preds, parts: [] });
      return [g.value, g.parts, counted] as StepResult;
    }
    const preds = model.callAll(xs);
    const l = objectiveLoss(objective, ys, preds);
    return [l.total, objective.length > 1 ? l.parts : [], metricCounts(objective, ys, preds)] as StepResult;
  });
}
