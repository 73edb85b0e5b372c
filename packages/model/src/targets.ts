import { NeuriteError, type Tensor } from '@neurite/core';
import type { FitModel } from './contract.js';

/** Checks that targets fit the model's output and its loss, before any step runs. */
export function checkTargets(model: FitModel, y: Tensor, what: string): void {
  const out = model.outputShape;
  const loss = model.loss?.className ?? '';
  const kind = model.loss?.targets ?? 'dense';
  const yShape = `[${y.shape.join(', ')}]`;
  const outShape = `[batch, ${out.slice(1).join(', ')}]`;
  const classes = out[out.length - 1];
  if (kind === 'sparse') {
    const ok = y.rank === out.length - 1 || (y.rank === out.length && y.shape[y.rank - 1] === 1);
    if (!ok) {
      throw new NeuriteError(
        `${model.name}.${what}: ${loss} expects integer class labels of shape [batch] for a model that outputs ${outShape}. ` +
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
      `${model.name}.${what}: ${loss || 'the loss'} expects targets shaped like the model's output ${outShape}. ` +
        `Received y of shape ${yShape}.${hint}`,
    );
  }
}
