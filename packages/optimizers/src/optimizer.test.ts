import { dispose, NeuriteError, type TensorLike, tensor, tidy, variable } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { sgd, stepDecay } from '@neurite/optimizers';
import { expect, it } from 'vitest';

let id = 0;
// tfjs variable names are global: each test gets its own. tidy() frees the initial tensor.
const weights = (values: TensorLike, backend: string) =>
  tidy(() => variable(tensor(values), true, `opt_${backend}_${id++}`));

/** Applies fixed gradients through { variable, grad } pairs, with lr 1 so that w moves by -g exactly. */
async function clippedStep(options: object, grads: number[][], backend: string): Promise<Float32Array[]> {
  const vars = grads.map((g) =>
    weights(
      g.map(() => 0),
      backend,
    ),
  );
  const gs = grads.map((g) => tensor(g));
  sgd({ learningRate: 1, ...options }).applyGradients(vars.map((v, i) => ({ variable: v, grad: gs[i] })));
  const out = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
  dispose(vars);
  dispose(gs);
  return out;
}

await describeBackends('Optimizer', (backend) => {
  it('clipValue clips each element to [-clipValue, clipValue]', async () => {
    const [w] = await clippedStep({ clipValue: 0.5 }, [[2, -0.3, -7]], backend);
    expectClose(w, [-0.5, 0.3, 0.5], backend);
  });

  it('clipNorm rescales each tensor whose norm is above it, and leaves the others', async () => {
    const [w1, w2] = await clippedStep(
      { clipNorm: 1 },
      [
        [3, 4],
        [0.3, 0.4],
      ],
      backend,
    );
    expectClose(w1, [-0.6, -0.8], backend);
    expectClose(w2, [-0.3, -0.4], backend);
  });

  it('globalClipNorm rescales all gradients by one factor when their joint norm is above it', async () => {
    // Joint norm sqrt(9 + 16 + 144) = 13.
    const [w1, w2] = await clippedStep({ globalClipNorm: 1 }, [[3, 4], [12]], backend);
    expectClose(w1, [-3 / 13, -4 / 13], backend);
    expectClose(w2, [-12 / 13], backend);
    const [u1, u2] = await clippedStep({ globalClipNorm: 20 }, [[3, 4], [12]], backend);
    expectClose(u1, [-3, -4], backend);
    expectClose(u2, [-12], backend);
  });

  it('clipNorm composes with clipValue: norm first, then value', async () => {
    const [w] = await clippedStep({ clipNorm: 5, clipValue: 2 }, [[6, 8]], backend);
    expectClose(w, [-2, -2], backend); // [6, 8] -> [3, 4] -> [2, 2]
  });

  it('evaluates a schedule at iterations, and steps with that rate', async () => {
    const w = weights([1, -2], backend);
    const opt = sgd({ learningRate: stepDecay({ initialLearningRate: 0.1, stepSize: 1, gamma: 0.5 }) });
    let x = [1, -2];
    for (const lr of [0.1, 0.05, 0.025]) {
      expect(opt.currentLearningRate()).toBe(lr);
      x = x.map((xi) => xi - lr * 2 * xi);
      opt.minimize(() => w.square().sum(), { varList: [w] });
      expectClose(await w.data(), x, backend);
    }
    expect(opt.iterations).toBe(3);
    w.dispose();
  });

  it('names unregistered variables and wrong gradient shapes in its errors', () => {
    const w = weights([1, 2], backend);
    const g = tensor([1, 2, 3]);
    const opt = sgd();
    expect(() => opt.applyGradients({ nope: g })).toThrow(NeuriteError);
    expect(() => opt.applyGradients({ nope: g })).toThrow(
      "SGD.applyGradients: no variable named 'nope' is registered.",
    );
    expect(() => opt.applyGradients([{ variable: w, grad: g }])).toThrow(
      `the gradient of '${w.name}' must have the variable's shape [2]. Received: shape [3].`,
    );
    expect(opt.iterations).toBe(0);
    g.dispose();
    w.dispose();
  });
});

it('rejects a plain function as learningRate, and rebuilds a schedule given as JSON', () => {
  expect(() => sgd({ learningRate: ((step: number) => 0.1 / (step + 1)) as never })).toThrow(
    'SGD: learningRate must be a number or a schedule.',
  );
  const opt = sgd({
    learningRate: { className: 'StepDecay', config: { initialLearningRate: 1, stepSize: 1, gamma: 0.5 } },
  });
  opt.iterations = 2;
  expect(opt.currentLearningRate()).toBe(0.25);
  opt.learningRate = 0.5;
  expect(opt.currentLearningRate()).toBe(0.5);
  expect(opt.getConfig().learningRate).toBe(0.5);
  expect(() => {
    opt.learningRate = -1;
  }).toThrow('SGD: learningRate must be a finite number >= 0. Received: learningRate=-1.');
});

it('rejects bad clipping options', () => {
  expect(() => sgd({ clipNorm: 0 })).toThrow('SGD: clipNorm must be a finite number > 0. Received: clipNorm=0.');
  expect(() => sgd({ clipValue: -1 })).toThrow('SGD: clipValue must be a finite number > 0. Received: clipValue=-1.');
  expect(() => sgd({ clipNorm: 1, globalClipNorm: 1 })).toThrow(
    'SGD: only one of clipNorm and globalClipNorm can be set.',
  );
});
