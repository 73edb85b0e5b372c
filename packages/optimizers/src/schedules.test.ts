import { NeuriteError } from '@neurite/core';
import {
  cosineDecay,
  exponentialDecay,
  type Schedule,
  scheduleFromConfig,
  stepDecay,
  warmup,
} from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';

const at = (s: Schedule, steps: number[]) => steps.map((t) => s(t));
const roundTrip = (s: Schedule) =>
  scheduleFromConfig(JSON.parse(JSON.stringify({ className: s.className, config: s.config })));

describe('schedules', () => {
  it('stepDecay drops by gamma every stepSize steps', () => {
    const s = stepDecay({ initialLearningRate: 0.1, stepSize: 10, gamma: 0.5 });
    expect(at(s, [0, 9, 10, 19, 20, 35])).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.1 * 0.5 ** 3]);
    expect(s.className).toBe('StepDecay');
    expect(s.config).toEqual({ initialLearningRate: 0.1, stepSize: 10, gamma: 0.5 });
  });

  it('exponentialDecay, smooth and staircase', () => {
    const smooth = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(at(smooth, [0, 5, 10, 20])).toEqual([0.1, 0.1 * 0.5 ** 0.5, 0.05, 0.025]);
    const stairs = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    expect(at(stairs, [0, 5, 10, 15])).toEqual([0.1, 0.1, 0.05, 0.05]);
    expect(stairs.config).toEqual({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
  });

  it('cosineDecay goes from lr to alpha * lr over decaySteps, then stays', () => {
    const s = cosineDecay({ initialLearningRate: 2, decaySteps: 8, alpha: 0.25 });
    const expected = (t: number) => 2 * (0.75 * 0.5 * (1 + Math.cos((Math.PI * Math.min(t, 8)) / 8)) + 0.25);
    expect(at(s, [0, 2, 4, 8, 100])).toEqual([0, 2, 4, 8, 100].map(expected));
    expect(s(0)).toBe(2);
    expect(s(4)).toBeCloseTo(1.25, 12);
    expect(s(8)).toBeCloseTo(0.5, 12);
    expect(s(100)).toBeCloseTo(0.5, 12);
  });

  it('cosineDecay with warmupSteps and warmupTarget rises to the target, then decays over decaySteps after it', () => {
    const s = cosineDecay({ initialLearningRate: 0, decaySteps: 8, alpha: 0.25, warmupSteps: 4, warmupTarget: 2 });
    expect(at(s, [0, 1, 2, 4])).toEqual([0, 0.5, 1, 2]);
    // The cosine starts at the end of the warmup: halfway down 4 steps later, at its floor 8 steps later.
    expect(s(8)).toBeCloseTo(2 * (0.75 * 0.5 + 0.25), 12);
    expect(s(12)).toBeCloseTo(0.5, 12);
    expect(s(100)).toBeCloseTo(0.5, 12);
    expect(
      Math.max(
        ...at(
          s,
          Array.from({ length: 20 }, (_, i) => i),
        ),
      ),
    ).toBe(2);
    // Without the warmup options it is the plain cosine, and its config has no warmup keys.
    expect(Object.keys(cosineDecay({ initialLearningRate: 1, decaySteps: 3 }).config)).toEqual([
      'initialLearningRate',
      'decaySteps',
      'alpha',
    ]);
    expect(() => cosineDecay({ initialLearningRate: 0, decaySteps: 8, warmupSteps: 4 })).toThrow(
      'cosineDecay: warmupSteps and warmupTarget come together',
    );
    expect(() => cosineDecay({ initialLearningRate: 0, decaySteps: 8, warmupSteps: 1.5, warmupTarget: 1 })).toThrow(
      'warmupSteps',
    );
  });

  it('warmup ramps linearly from 0 to the value at warmupSteps, then follows after', () => {
    const constant = warmup({ warmupSteps: 4, after: 0.1 });
    expect(at(constant, [0, 1, 2, 4, 50])).toEqual([0, 0.025, 0.05, 0.1, 0.1]);
    const decay = exponentialDecay({ initialLearningRate: 1, decaySteps: 4, decayRate: 0.5 });
    const s = warmup({ warmupSteps: 4, after: decay });
    expect(at(s, [0, 2, 4, 8])).toEqual([0, 0.25, 0.5, 0.25]);
    expect(s.config).toEqual({ warmupSteps: 4, after: { className: 'ExponentialDecay', config: decay.config } });
  });

  it('scheduleFromConfig rebuilds every schedule from JSON, nested ones included', () => {
    const all = [
      stepDecay({ initialLearningRate: 0.1, stepSize: 3, gamma: 0.1 }),
      exponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.9, staircase: true }),
      cosineDecay({ initialLearningRate: 0.1, decaySteps: 7 }),
      cosineDecay({ initialLearningRate: 0, decaySteps: 7, alpha: 0.1, warmupSteps: 3, warmupTarget: 0.2 }),
      warmup({ warmupSteps: 5, after: cosineDecay({ initialLearningRate: 0.3, decaySteps: 20, alpha: 0.1 }) }),
    ];
    for (const s of all) {
      const copy = roundTrip(s);
      expect(copy.className).toBe(s.className);
      expect(at(copy, [0, 1, 4, 6, 30])).toEqual(at(s, [0, 1, 4, 6, 30]));
    }
  });

  it('rejects bad options and unknown classNames with NeuriteErrors', () => {
    expect(() => stepDecay({ initialLearningRate: 0.1, stepSize: 0, gamma: 0.5 })).toThrow(
      'stepDecay: stepSize must be an integer > 0. Received: stepSize=0.',
    );
    expect(() => exponentialDecay({ initialLearningRate: -1, decaySteps: 1, decayRate: 0.5 })).toThrow(
      'exponentialDecay: initialLearningRate must be a finite number >= 0. Received: initialLearningRate=-1.',
    );
    expect(() => cosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 2 })).toThrow(
      'cosineDecay: alpha must be in [0, 1]. Received: alpha=2.',
    );
    expect(() => warmup({ warmupSteps: 2.5, after: 0.1 })).toThrow('warmup: warmupSteps must be an integer > 0.');
    expect(() => warmup({ warmupSteps: 2, after: -0.1 })).toThrow('warmup: after must be a finite number >= 0.');
    expect(() => scheduleFromConfig({ className: 'Linear', config: {} })).toThrow(NeuriteError);
    expect(() => scheduleFromConfig({ className: 'Linear', config: {} })).toThrow(
      "Expected one of: StepDecay, ExponentialDecay, CosineDecay, Warmup. Received: className='Linear'.",
    );
  });
});
