import { dispose, type Tensor, tensor1d, tensor2d } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  getLoss,
  huber,
  type Loss,
  lossNames,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '@neurite/losses';
import { expect, it } from 'vitest';

async function read(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

await describeBackends('getLoss', (backend) => {
  it('lists the built-in names', () => {
    expect(lossNames).toEqual([
      'binaryCrossentropy',
      'categoricalCrossentropy',
      'sparseCategoricalCrossentropy',
      'meanSquaredError',
      'meanAbsoluteError',
      'huber',
    ]);
  });

  it('accepts camelCase, snake_case, class names and Keras aliases, with default configs', () => {
    for (const name of ['binaryCrossentropy', 'binary_crossentropy', 'BinaryCrossentropy']) {
      const loss = getLoss(name);
      expect(loss.className).toBe('BinaryCrossentropy');
      expect(loss.config).toEqual({ fromLogits: false, labelSmoothing: 0, reduction: 'mean' });
    }
    expect(getLoss('sparse_categorical_crossentropy').config).toEqual({ fromLogits: false, reduction: 'mean' });
    expect(getLoss('mse').className).toBe('MeanSquaredError');
    expect(getLoss('mean_absolute_error').className).toBe('MeanAbsoluteError');
    expect(getLoss('mae').config).toEqual({ reduction: 'mean' });
    expect(getLoss('Huber').config).toEqual({ delta: 1, reduction: 'mean' });
  });

  it('round-trips { className, config } through JSON and computes what the function computes', async () => {
    const yTrue = tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const yPred = tensor2d([
      [0.3, 0.7],
      [0.6, 0.4],
    ]);
    const labels = tensor1d([1, 0], 'int32');
    const cases: [object, (yt: Tensor, yp: Tensor) => Tensor, Tensor][] = [
      [
        { className: 'BinaryCrossentropy', config: { labelSmoothing: 0.1, reduction: 'sum' } },
        (a, b) => binaryCrossentropy(a, b, { labelSmoothing: 0.1, reduction: 'sum' }),
        yTrue,
      ],
      [
        { className: 'CategoricalCrossentropy', config: { fromLogits: true } },
        (a, b) => categoricalCrossentropy(a, b, { fromLogits: true }),
        yTrue,
      ],
      [
        { className: 'SparseCategoricalCrossentropy', config: { reduction: 'none' } },
        (a, b) => sparseCategoricalCrossentropy(a, b, { reduction: 'none' }),
        labels,
      ],
      [{ className: 'MeanSquaredError' }, (a, b) => meanSquaredError(a, b), yTrue],
      [
        { className: 'MeanAbsoluteError', config: { reduction: 'none' } },
        (a, b) => meanAbsoluteError(a, b, { reduction: 'none' }),
        yTrue,
      ],
      [{ className: 'Huber', config: { delta: 0.25 } }, (a, b) => huber(a, b, { delta: 0.25 }), yTrue],
    ];
    for (const [spec, fn, targets] of cases) {
      const loss = getLoss(spec as { className: string });
      const restored = getLoss(JSON.parse(JSON.stringify({ className: loss.className, config: loss.config })));
      expect(restored.className).toBe(loss.className);
      expect(restored.config).toEqual(loss.config);
      expectClose(await read(restored.call(targets, yPred)), await read(fn(targets, yPred)), backend);
    }
    dispose([yTrue, yPred, labels]);
  });

  it('wraps a function, and returns a Loss as it is', async () => {
    const yTrue = tensor2d([[1, 2]]);
    const yPred = tensor2d([[2, 4]]);
    const sumAbs = (a: Tensor, b: Tensor) => b.sub(a).abs().sum();
    const loss = getLoss(sumAbs);
    expect(loss.className).toBe('sumAbs');
    expect(loss.config).toEqual({});
    expectClose(await read(loss.call(yTrue, yPred)), [1 + 2], backend);
    const builtin: Loss = getLoss('huber');
    expect(getLoss(builtin)).toBe(builtin);
    dispose([yTrue, yPred]);
  });

  it('rejects unknown names, bad specs and bad configs with exact messages', () => {
    const known =
      'Expected one of: binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy, meanSquaredError, ' +
      "meanAbsoluteError, huber (or as snake_case, e.g. 'binary_crossentropy', or a class name, e.g. " +
      "'BinaryCrossentropy').";
    expect(() => getLoss('crossEntropy')).toThrow(
      `getLoss: unknown loss 'crossEntropy'. ${known} Received: 'crossEntropy'. ` +
        'For a custom loss, pass a function (yTrue, yPred) => Tensor.',
    );
    expect(() => getLoss({ className: 'Hinge', config: {} })).toThrow(
      `getLoss: unknown loss 'Hinge'. ${known} Received: className='Hinge'. ` +
        'For a custom loss, pass a function (yTrue, yPred) => Tensor.',
    );
    expect(() => getLoss(42 as unknown as string)).toThrow(
      'getLoss: expected a loss name, a { className, config } object or a function (yTrue, yPred) => Tensor. ' +
        'Received: 42. Pass one of: binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy, ' +
        'meanSquaredError, meanAbsoluteError, huber, or your own function.',
    );
    expect(() => getLoss({ className: 'BinaryCrossentropy', config: { from_logits: true } })).toThrow(
      "BinaryCrossentropy: unknown option 'from_logits'. Expected one of: fromLogits, labelSmoothing, reduction. " +
        "Received: from_logits=true. Did you mean 'fromLogits'?",
    );
    expect(() => getLoss({ className: 'Huber', config: { delta: -1 } })).toThrow(
      'Huber: delta must be a positive number. Received: delta=-1.',
    );
  });
});
