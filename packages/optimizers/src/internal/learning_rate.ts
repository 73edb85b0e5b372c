import { NeuriteError } from '@neurite/core';
import { type Schedule, type ScheduleConfig, scheduleFromConfig } from '../schedules.js';
import { nonNegative, show } from './validate.js';

/** A learning-rate option as the optimizer keeps it: a number >= 0, or a schedule (rebuilt from its JSON). */
export function resolveLearningRate(owner: string, value: number | Schedule | ScheduleConfig): number | Schedule {
  if (typeof value === 'function') {
    if (typeof value.className === 'string' && typeof value.config === 'object') return value;
    throw new NeuriteError(
      `${owner}: learningRate must be a number or a schedule. Received: learningRate=${show(value)} without ` +
        `className and config. Wrap it with stepDecay, exponentialDecay, cosineDecay or warmup.`,
    );
  }
  if (typeof value === 'object' && value !== null) return scheduleFromConfig(value);
  return nonNegative(owner, 'learningRate', value, 'Example: { learningRate: 0.001 }.');
}
