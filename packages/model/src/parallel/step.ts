// One data-parallel training step on the main thread: shard the batch, compute shard 0 here while the
// workers compute the others, combine the gradients weighted by shard size, apply the optimizer once.
import { concat, type NamedTensorMap, nextSeed, type Tensor, tensor, tidy, type Variable } from '@neurite/core';
import type { FitModel } from '../contract.js';
import {
  type Gradients,
  gradients,
  type HostBatch,
  type HostPart,
  isHostBatch,
  metricCounts,
  objectiveLoss,
  partTensor,
  release,
  type StepBatch,
  type StepResult,
  type TensorBatch,
} from '../step.js';
import { checkWorkersSupported, WorkerPool } from './pool.js';
import { shardSizes } from './protocol.js';

/** The workers of one fit(): started on the first training batch, closed when fit() ends. */
export class ParallelTraining {
  private pool?: WorkerPool;

  constructor(
    model: FitModel,
    private readonly options: { workers: number; workerSetup?: string | URL },
  ) {
    checkWorkersSupported(model, options.workers);
  }

  /**
   * One step on a batch (host arrays go to the workers as they are; a dataset's tensors are read back
   * once): returns the total loss, each output's loss (several outputs) and the metric counts, as the
   * local step does.
   */
  async step(model: FitModel, vars: Variable[], batch: StepBatch): Promise<StepResult> {
    const host = isHostBatch(batch) ? batch : await hostBatchOf(batch);
    if (this.pool && !this.pool.trains(model, vars)) {
      await this.pool.close();
      this.pool = undefined;
    }
    this.pool ??= await WorkerPool.start(model, vars, host, this.options);
    return parallelStep(model, this.pool, vars, host);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/** A dataset's batch copied to the host for the workers (a Dataset yields tensors). */
async function hostBatchOf(batch: TensorBatch): Promise<HostBatch> {
  const part = async (t: Tensor): Promise<HostPart> => {
    const int = t.dtype === 'int32';
    const values = await t.data();
    return {
      values: int ? Int32Array.from(values) : Float32Array.from(values),
      shape: t.shape.slice(1),
      dtype: int ? 'int32' : 'float32',
    };
  };
  return { n: batch.n, x: await Promise.all(batch.xs.map(part)), y: await Promise.all(batch.ys.map(part)) };
}

async function parallelStep(
  model: FitModel,
  pool: WorkerPool,
  vars: Variable[],
  batch: HostBatch,
): Promise<StepResult> {
  const { optimizer, objective } = model.requireCompiled('fit');
  const n = batch.n;
  const sizes = shardSizes(n, pool.size);
  await pool.writeWeights(model);
  // Each worker's random ops (dropout) are seeded from the main thread's stream: a seeded fit repeats.
  const seeds = sizes.map((s, i) => (i > 0 && s > 0 ? nextSeed() : 0));
  pool.dispatch(model, vars, batch, sizes, seeds);
  let own: Gradients | undefined;
  try {
    own = tidy(() =>
      gradients(
        model,
        objective,
        vars,
        batch.x.map((p) => partTensor(p, sizes[0])),
        batch.y.map((p) => partTensor(p, sizes[0])),
      ),
    );
    await pool.collect();
    const mine = own;
    return tidy(() => {
      // The mean over the batch is the size-weighted mean of the shards' means; a 'sum' loss adds up.
      const sum = objective.every((o) => o.loss.config.reduction === 'sum');
      const weight = (i: number) => (sum ? 1 : sizes[i] / n);
      const grads: NamedTensorMap = {};
      let at = 0;
      for (const v of vars) {
        let g = mine.grads[v.name].mul(weight(0));
        for (let i = 1; i < sizes.length; i++) {
          if (sizes[i] === 0) continue;
          const theirs = tensor(pool.results(i).grads.slice(at, at + v.size), v.shape);
          g = g.add(theirs.mul(weight(i)));
        }
        grads[v.name] = g;
        at += v.size;
      }
      optimizer.applyGradients(grads);
      const outShapes = pool.outShapes;
      const preds = mine.preds.map((own0, o) => {
        const list = [own0];
        const size = outShapes[o].reduce((p, d) => p * d, 1);
        for (let i = 1; i < sizes.length; i++) {
          if (sizes[i] === 0) continue;
          list.push(tensor(pool.results(i).preds[o].slice(0, sizes[i] * size), [sizes[i], ...outShapes[o]]));
        }
        return list.length > 1 ? concat(list, 0) : own0;
      });
      // Loss and metric counts over the whole batch's predictions, as the single-thread step computes them.
      const ys = batch.y.map((p) => partTensor(p, n));
      const l = objectiveLoss(objective, ys, preds);
      return [l.total, objective.length > 1 ? l.parts : [], metricCounts(objective, ys, preds)] as StepResult;
    });
  } finally {
    if (own) {
      own.value.dispose();
      release(own);
      for (const g of Object.values(own.grads)) g.dispose();
    }
  }
}
