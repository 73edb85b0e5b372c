import { NeuriteError } from '@neurite/core';

/** Values after a batch or an epoch: 'loss', metric names, and 'valLoss', 'valAccuracy', ... */
export type Logs = Record<string, number>;

/** What a callback may read and change on the model while it trains. */
export interface TrainingModel {
  stopTraining: boolean;
  getWeightValues(): Promise<Float32Array[]>;
  setWeightValues(values: Float32Array[]): void;
  save(dir: string, options?: { includeOptimizer?: boolean }): Promise<void>;
  learningRate: number;
}

/** Hooks into fit(). Every hook may be async; fit() awaits it. */
export interface Callback {
  onTrainBegin?(model: TrainingModel): void | Promise<void>;
  onEpochBegin?(epoch: number, model: TrainingModel): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs, model: TrainingModel): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, model: TrainingModel): void | Promise<void>;
  onTrainEnd?(logs: Logs, model: TrainingModel): void | Promise<void>;
}

function better(mode: 'min' | 'max', a: number, b: number, minDelta: number): boolean {
  return mode === 'min' ? a < b - minDelta : a > b + minDelta;
}

function modeFor(monitor: string, mode: 'auto' | 'min' | 'max'): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  // Judged by how the key ends (an output named 'account' logs 'valAccountLoss', a loss): accuracy,
  // precision and recall go up; losses and errors go down.
  if (/loss$/i.test(monitor)) return 'min';
  return /(accuracy|acc|precision|recall)$/i.test(monitor) ? 'max' : 'min';
}

function read(logs: Logs, monitor: string, who: string): number {
  const v = logs[monitor];
  if (v === undefined) {
    throw new NeuriteError(
      `${who}: the monitored value '${monitor}' is not in the epoch logs. Received logs: ${Object.keys(logs).join(', ')}. ` +
        'Monitor one of those (validation values need validationSplit or validationData).',
    );
  }
  return v;
}

/**
 * Stops training when a monitored value stops improving for `patience` epochs; optionally restores the
 * weights of the best epoch.
 *
 * @example
 * ```ts
 * import { earlyStopping } from '@neurite/model';
 * const stop = earlyStopping({ monitor: 'valLoss', patience: 2, restoreBestWeights: true });
 * ```
 */
export function earlyStopping(
  options: {
    monitor?: string;
    patience?: number;
    minDelta?: number;
    mode?: 'auto' | 'min' | 'max';
    restoreBestWeights?: boolean;
  } = {},
): Callback {
  const monitor = options.monitor ?? 'valLoss';
  const patience = options.patience ?? 0;
  const minDelta = options.minDelta ?? 0;
  const mode = modeFor(monitor, options.mode ?? 'auto');
  let best = mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  let wait = 0;
  let bestWeights: Float32Array[] | undefined;
  return {
    onTrainBegin() {
      best = mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      wait = 0;
      bestWeights = undefined;
    },
    async onEpochEnd(_epoch, logs, model) {
      const v = read(logs, monitor, 'earlyStopping');
      if (better(mode, v, best, minDelta)) {
        best = v;
        wait = 0;
        if (options.restoreBestWeights) bestWeights = await model.getWeightValues();
      } else if (++wait > patience) {
        model.stopTraining = true;
      }
    },
    onTrainEnd(_logs, model) {
      if (options.restoreBestWeights && bestWeights && model.stopTraining) model.setWeightValues(bestWeights);
    },
  };
}

/**
 * Saves the model (with optimizer state, for resuming) after each epoch, or only when `monitor` improves.
 *
 * @example
 * ```ts
 * import { modelCheckpoint } from '@neurite/model';
 * const checkpoint = modelCheckpoint({ dir: 'checkpoints/mnist', saveBestOnly: true, monitor: 'valAccuracy' });
 * ```
 */
export function modelCheckpoint(options: {
  dir: string;
  monitor?: string;
  saveBestOnly?: boolean;
  mode?: 'auto' | 'min' | 'max';
  includeOptimizer?: boolean;
}): Callback {
  const monitor = options.monitor ?? 'valLoss';
  const mode = modeFor(monitor, options.mode ?? 'auto');
  let best = mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return {
    async onEpochEnd(_epoch, logs, model) {
      if (options.saveBestOnly) {
        const v = read(logs, monitor, 'modelCheckpoint');
        if (!better(mode, v, best, 0)) return;
        best = v;
      }
      await model.save(options.dir, { includeOptimizer: options.includeOptimizer ?? true });
    },
  };
}

/**
 * Sets the learning rate at the start of each epoch from `schedule(epoch, currentRate)`.
 *
 * @example
 * ```ts
 * import { learningRateScheduler } from '@neurite/model';
 * const halve = learningRateScheduler((epoch, lr) => (epoch > 0 && epoch % 5 === 0 ? lr / 2 : lr));
 * ```
 */
export function learningRateScheduler(schedule: (epoch: number, lr: number) => number): Callback {
  return {
    onEpochBegin(epoch, model) {
      const lr = schedule(epoch, model.learningRate);
      if (!(typeof lr === 'number' && lr > 0 && Number.isFinite(lr))) {
        throw new NeuriteError(
          `learningRateScheduler: the schedule must return a positive number. Received ${lr} at epoch ${epoch + 1}.`,
        );
      }
      model.learningRate = lr;
    },
  };
}

/** One progress event, for apps to render (a progress bar, a chart). */
export interface ProgressEvent {
  kind: 'epochBegin' | 'batch' | 'epochEnd';
  /** 1-based epoch and its count. */
  epoch: number;
  epochs: number;
  /** Batches done in this epoch and their count. */
  batch: number;
  batches: number;
  logs: Logs;
  samplesPerSecond: number;
  /** Seconds left in this epoch, estimated from the speed so far. */
  etaSeconds: number;
  elapsedSeconds: number;
}

/**
 * Turns fit()'s hooks into ProgressEvents: what a CLI progress bar or a docs-page chart needs.
 *
 * @example
 * ```ts
 * import { progressReporter } from '@neurite/model';
 * const progress = progressReporter((e) => {
 *   if (e.kind === 'epochEnd') console.log(`epoch ${e.epoch}: loss ${e.logs.loss.toFixed(4)}`);
 * });
 * ```
 */
export function progressReporter(
  onProgress: (event: ProgressEvent) => void,
  info?: { epochs: number; batches: number; batchSize: number },
): Callback & {
  setPlan(plan: Partial<{ epochs: number; batches: number; batchSize: number }>): void;
} {
  let plan = info ?? { epochs: 0, batches: 0, batchSize: 0 };
  let epochStart = 0;
  let epochIndex = 0;
  const event = (kind: ProgressEvent['kind'], batch: number, logs: Logs): ProgressEvent => {
    const elapsed = (performance.now() - epochStart) / 1000;
    const rate = elapsed > 0 ? (batch * plan.batchSize) / elapsed : 0;
    const eta = batch > 0 ? (elapsed / batch) * (plan.batches - batch) : 0;
    return {
      kind,
      epoch: epochIndex + 1,
      epochs: plan.epochs,
      batch,
      batches: plan.batches,
      logs,
      samplesPerSecond: rate,
      etaSeconds: eta,
      elapsedSeconds: elapsed,
    };
  };
  return {
    setPlan(p) {
      plan = { ...plan, ...p };
    },
    onEpochBegin(epoch) {
      epochIndex = epoch;
      epochStart = performance.now();
      onProgress(event('epochBegin', 0, {}));
    },
    onBatchEnd(batch, logs) {
      onProgress(event('batch', batch + 1, logs));
    },
    onEpochEnd(_epoch, logs) {
      onProgress(event('epochEnd', plan.batches, logs));
    },
  };
}
