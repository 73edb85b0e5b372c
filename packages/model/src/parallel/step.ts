// One data-parallel training step on the main thread: shard the batch, compute shard 0 here while the
// workers compute the others, combine the gradients weighted by shard size, apply the optimizer once.
import { concat, type NamedTensorMap, nextSeed, type Tensor, tensor, tidy, type Variable } from '@neurite/core';
import type { FitModel } from '../contract.js';
import { checkWorkersSupported, type HostBatch, WorkerPool } from './pool.js';
import { shardGradients, shardSizes } from './protocol.js';

/** The workers of one fit(): started on the first training batch, closed when fit() ends. */
export class ParallelTraining {
  private pool?: WorkerPool;

  constructor(
    model: FitModel,
    private readonly options: { workers: number; workerSetup?: string | URL },
  ) {
    checkWorkersSupported(model, options.workers);
  }

  /** One step on the batch: returns the loss and the metric counts, as the single-thread step does. */
  async step(model: FitModel, vars: Variable[], xs: Tensor, ys: Tensor): Promise<[Tensor, Tensor[]]> {
    const batch: HostBatch = {
      x: await xs.data(),
      y: await ys.data(),
      n: xs.shape[0],
      xShape: xs.shape.slice(1),
      yShape: ys.shape.slice(1),
      xDtype: xs.dtype,
      yDtype: ys.dtype,
    };
    if (this.pool && !this.pool.trains(model, vars)) {
      await this.pool.close();
      this.pool = undefined;
    }
    this.pool ??= await WorkerPool.start(model, vars, batch, this.options);
    return parallelStep(model, this.pool, vars, ys, batch);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

function shardTensor(a: ArrayLike<number>, n: number, shape: number[], dtype: string): Tensor {
  const size = n * shape.reduce((p, d) => p * d, 1);
  const values = (a as Float32Array).slice(0, size);
  return tensor(values, [n, ...shape], dtype as 'float32');
}

async function parallelStep(
  model: FitModel,
  pool: WorkerPool,
  vars: Variable[],
  ys: Tensor,
  batch: HostBatch,
): Promise<[Tensor, Tensor[]]> {
  const { optimizer, loss } = model.requireCompiled('fit');
  const n = batch.n;
  const sizes = shardSizes(n, pool.size);
  await pool.writeWeights(model);
  // Each worker's random ops (dropout) are seeded from the main thread's stream: a seeded fit repeats.
  const seeds = sizes.map((s, i) => (i > 0 && s > 0 ? nextSeed() : 0));
  pool.dispatch(model, vars, batch, sizes, seeds);
  let own: ReturnType<typeof shardGradients> | undefined;
  try {
    own = tidy(() =>
      shardGradients(
        model,
        loss,
        vars,
        shardTensor(batch.x, sizes[0], batch.xShape, batch.xDtype),
        shardTensor(batch.y, sizes[0], batch.yShape, batch.yDtype),
      ),
    );
    await pool.collect();
    const mine = own;
    return tidy(() => {
      // The mean over the batch is the size-weighted mean of the shards' means; a 'sum' loss adds up.
      const weight = (i: number) => (loss.config.reduction === 'sum' ? 1 : sizes[i] / n);
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
      const outSize = pool.outShape.reduce((p, d) => p * d, 1);
      const preds = [mine.pred];
      for (let i = 1; i < sizes.length; i++) {
        if (sizes[i] === 0) continue;
        preds.push(tensor(pool.results(i).pred.slice(0, sizes[i] * outSize), [sizes[i], ...pool.outShape]));
      }
      const p = preds.length > 1 ? concat(preds, 0) : mine.pred;
      // Loss and metric counts over the whole batch's predictions, as the single-thread step computes them.
      const value = loss.call(ys, p);
      const counted = model.metrics.map((m) => m.counts(ys, p));
      return [value, counted] as [Tensor, Tensor[]];
    });
  } finally {
    if (own) {
      own.value.dispose();
      own.pred.dispose();
      for (const g of Object.values(own.grads)) g.dispose();
    }
  }
}
