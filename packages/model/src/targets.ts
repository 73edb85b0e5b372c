import { NeuriteError, type Tensor } from '@neurite/core';
import type { Shape } from '@neurite/layers';
import type { Loss } from '@neurite/losses';
import type { FitModel } from './contract.js';
import type { OutputObjective } from './objective.js';
import { isTensor, type TensorSet } from './tensor_set.js';

const quoted = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * The targets as a list in output order (one tensor, a list, or an object keyed by output name), each
 * checked against its output's shape and its loss, before any step runs.
 */
export function targetList(model: FitModel, y: TensorSet, what: string): Tensor[] {
  const objective = model.requireCompiled(what).objective;
  const names = objective.map((o) => o.output);
  let ys: Tensor[];
  if (isTensor(y)) {
    if (objective.length !== 1) {
      throw new NeuriteError(
        `${model.name}.${what}: the model has ${objective.length} outputs (${quoted(names)}); pass its targets as a list, one per output in that order, or an object keyed by output name.`,
      );
    }
    ys = [y];
  } else if (Array.isArray(y)) {
    if (y.length !== names.length || !y.every(isTensor)) {
      throw new NeuriteError(
        `${model.name}.${what}: the model has ${names.length} output${names.length === 1 ? '' : 's'} (${quoted(names)}). ` +
          `Received a list of ${y.length} targets. Pass one tensor per output, in that order, or an object keyed by output name.`,
      );
    }
    ys = y;
  } else {
    const extra = Object.keys(y).filter((k) => !names.includes(k));
    const missing = names.filter((n) => !isTensor((y as Record<string, Tensor>)[n]));
    if (extra.length > 0 || missing.length > 0) {
      throw new NeuriteError(
        `${model.name}.${what}: the targets are keyed by output name; the model's outputs are ${quoted(names)}.` +
          (missing.length > 0 ? ` Missing: ${quoted(missing)}.` : '') +
          (extra.length > 0 ? ` Not outputs: ${quoted(extra)}.` : ''),
      );
    }
    ys = names.map((n) => (y as Record<string, Tensor>)[n]);
  }
  const shapes = model.outputShapes;
  ys.forEach((t, i) => {
    checkTargets(`${model.name}.${what}`, shapes[i], objective[i].loss, t, objective.length > 1 ? names[i] : undefined);
  });
  return ys;
}

/** Checks that targets fit one output and its loss. */
export function checkTargets(where: string, out: Shape, lossFn: Loss, y: Tensor, output?: string): void {
  const loss = lossFn.className;
  const kind = lossFn.targets ?? 'dense';
  const of = output === undefined ? '' : ` for output '${output}'`;
  const theOutput = output === undefined ? "the model's output" : 'the output';
  const outputs = output === undefined ? 'a model that outputs' : 'an output of shape';
  const yShape = `[${y.shape.join(', ')}]`;
  const outShape = `[batch, ${out.slice(1).join(', ')}]`;
  const classes = out[out.length - 1];
  if (kind === 'sparse') {
    const ok = y.rank === out.length - 1 || (y.rank === out.length && y.shape[y.rank - 1] === 1);
    if (!ok) {
      throw new NeuriteError(
        `${where}: ${loss}${of} expects integer class labels of shape [batch] for ${outputs} ${outShape}. ` +
          `Received y of shape ${yShape}.` +
          (y.shape[y.rank - 1] === classes ? ' These look one-hot: use categoricalCrossentropy instead.' : ''),
      );
    }
    return;
  }
  const same = y.rank === out.length && y.shape.slice(1).every((d, i) => d === out[i + 1]);
  if (!same) {
    const hint =
      kind === 'oneHot'
        ? y.rank === out.length - 1 || y.shape[y.rank - 1] === 1
          ? ` These look like integer labels: use sparseCategoricalCrossentropy, or one-hot encode them with oneHot(labels, ${classes}).`
          : ''
        : ' Reshape y to the output shape.';
    throw new NeuriteError(
      `${where}: ${loss || 'the loss'}${of} expects targets shaped like ${theOutput} ${outShape}. ` +
        `Received y of shape ${yShape}.${hint}`,
    );
  }
}

/** Sparse labels must be class indices of their output: checked on the host copy, once per fit(). */
export function checkLabelValues(
  where: string,
  objective: OutputObjective[],
  shapes: Shape[],
  ys: ArrayLike<number>[],
): void {
  objective.forEach((o, k) => {
    if (o.loss.targets !== 'sparse') return;
    const classes = shapes[k][shapes[k].length - 1] as number;
    const y = ys[k];
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      if (!Number.isInteger(v) || v < 0 || v >= classes) {
        const of = objective.length > 1 ? ` of output '${o.output}'` : '';
        throw new NeuriteError(
          `${where}: sparse labels${of} must be integers in [0, ${classes}) for an output of ${classes} classes. ` +
            `Received y[${i}] = ${v}. Check the labels, or the units of the last layer.`,
        );
      }
    }
  });
}
