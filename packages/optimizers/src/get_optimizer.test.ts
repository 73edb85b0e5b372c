import { NeuriteError } from '@neurite/core';
import {
  Adagrad,
  Adam,
  AdamW,
  builtinOptimizers,
  cosineDecay,
  getOptimizer,
  type OptimizerClass,
  optimizerFromConfig,
  RMSprop,
  SGD,
  sgd,
  warmup,
} from '@neurite/optimizers';
import { describe, expect, it } from 'vitest';

describe('getOptimizer', () => {
  it('resolves names case-insensitively to optimizers with default options', () => {
    const expected: [string, OptimizerClass][] = [
      ['sgd', SGD],
      ['Adam', Adam],
      ['ADAMW', AdamW],
      ['rmsprop', RMSprop],
      ['adagrad', Adagrad],
    ];
    for (const [name, cls] of expected) {
      const opt = getOptimizer(name);
      expect(opt.constructor).toBe(cls);
      expect(opt.getConfig()).toEqual(new cls().getConfig());
    }
  });

  it('returns an Optimizer as is and builds { className, config }', () => {
    const opt = sgd({ momentum: 0.5 });
    expect(getOptimizer(opt)).toBe(opt);
    const built = getOptimizer({ className: 'RMSprop', config: { learningRate: 0.1, centered: true } });
    expect(built).toBeInstanceOf(RMSprop);
    expect(built.getConfig()).toMatchObject({ learningRate: 0.1, centered: true, rho: 0.9 });
  });

  it('lists the known names for an unknown one', () => {
    expect(() => getOptimizer('adamax')).toThrow(NeuriteError);
    expect(() => getOptimizer('adamax')).toThrow(
      "getOptimizer: unknown optimizer. Expected one of: sgd, adam, adamw, rmsprop, adagrad (any case). Received: name='adamax'.",
    );
    expect(() => getOptimizer({ className: 'Nadam' })).toThrow("Received: className='Nadam'.");
  });
});

describe('optimizerFromConfig', () => {
  it('round-trips every built-in optimizer through JSON, schedules and clipping included', () => {
    const lr = warmup({ warmupSteps: 3, after: cosineDecay({ initialLearningRate: 0.1, decaySteps: 10 }) });
    const instances = [
      new SGD({ learningRate: lr, momentum: 0.9, nesterov: true, clipValue: 0.5 }),
      new Adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, clipNorm: 1 }),
      new AdamW({ learningRate: lr, weightDecay: 0.01, globalClipNorm: 2 }),
      new RMSprop({ rho: 0.8, momentum: 0.1, centered: true }),
      new Adagrad({ initialAccumulatorValue: 0.5, epsilon: 1e-5 }),
    ];
    expect(instances.map((o) => o.constructor)).toEqual([...builtinOptimizers]);
    for (const opt of instances) {
      const cls = opt.constructor as OptimizerClass;
      const json = JSON.parse(JSON.stringify({ className: cls.className, config: opt.getConfig() }));
      const copy = optimizerFromConfig(json);
      expect(copy.constructor).toBe(cls);
      expect(copy.getConfig()).toEqual(opt.getConfig());
      for (const step of [0, 1, 5]) {
        copy.iterations = opt.iterations = step;
        expect(copy.currentLearningRate()).toBe(opt.currentLearningRate());
      }
    }
  });
});
