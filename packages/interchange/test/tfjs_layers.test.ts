// Round trips against the real thing, on every backend: each supported layer and a few whole models built
// in tfjs-layers 4.22, saved as tfjs saves, read by Neurite, compared output for output; then written by
// Neurite and loaded back into tfjs-layers, compared again.
import { type Tensor, tensor } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { readLayersModel, writeLayersModel } from '@neurite/interchange';
import type { Model } from '@neurite/model';
import { expect, it } from 'vitest';
import { loadTfl, randomizeTfl, saveTfl, tf, tfl } from './reference.js';

interface Case {
  name: string;
  /** The tfjs-layers model. */
  build: () => tfl.LayersModel;
  /** Input shapes with batch; a second entry for two-input models. */
  inputs: number[][];
  /** Integer inputs below this (Embedding). */
  ints?: number;
  /** Where tfjs-layers 4.22 computes otherwise than Keras: Keras's numbers, and why the writer refuses tfjs-layers. */
  keras?: { want: (xs: Tensor[]) => Tensor; refused: RegExp };
}

const L = tfl.layers;
// A Sequential whose first layer is given its input shape the tfjs way.
const one = (shape: number[], make: (inputShape: number[]) => tfl.layers.Layer, ...rest: tfl.layers.Layer[]) => {
  const m = tfl.sequential();
  m.add(make(shape));
  for (const l of rest) m.add(l);
  return m;
};
// Two inputs of one shape merged by `merge`, then a Dense so there are weights either side.
const merged = (shape: number[], merge: (xs: tfl.SymbolicTensor[]) => tfl.SymbolicTensor) => {
  const a = tfl.input({ shape, name: 'a' });
  const b = tfl.input({ shape, name: 'b' });
  const da = L.dense({ units: 3, name: 'da' }).apply(a) as tfl.SymbolicTensor;
  const db = L.dense({ units: 3, name: 'db' }).apply(b) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [a, b], outputs: merge([da, db]) });
};

const cases: Case[] = [
  {
    name: 'Dense',
    build: () => one([5], (s) => L.dense({ units: 3, activation: 'relu', inputShape: s })),
    inputs: [[4, 5]],
  },
  ...['sigmoid', 'tanh', 'softmax', 'elu', 'softplus', 'gelu', 'swish', 'linear'].map((a) => ({
    name: `Dense activation ${a}`,
    build: () => one([5], (s) => L.dense({ units: 3, activation: a as 'relu', inputShape: s })),
    inputs: [[2, 5]],
  })),
  {
    name: 'Conv1D',
    build: () => one([7, 3], (s) => L.conv1d({ filters: 2, kernelSize: 3, padding: 'same', inputShape: s })),
    inputs: [[2, 7, 3]],
  },
  {
    name: 'Conv1D dilated',
    build: () => one([9, 2], (s) => L.conv1d({ filters: 2, kernelSize: 2, dilationRate: 2, inputShape: s })),
    inputs: [[2, 9, 2]],
  },
  {
    name: 'Conv2D',
    build: () => one([6, 6, 2], (s) => L.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: s })),
    inputs: [[2, 6, 6, 2]],
  },
  {
    name: 'Conv2D strided same',
    build: () =>
      one([7, 7, 1], (s) => L.conv2d({ filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same', inputShape: s })),
    inputs: [[2, 7, 7, 1]],
  },
  {
    name: 'Conv2D dilated no bias',
    build: () =>
      one([7, 7, 1], (s) => L.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, useBias: false, inputShape: s })),
    inputs: [[1, 7, 7, 1]],
  },
  {
    name: 'Conv2DTranspose',
    build: () =>
      one([4, 4, 2], (s) =>
        L.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', inputShape: s }),
      ),
    inputs: [[2, 4, 4, 2]],
  },
  {
    name: 'DepthwiseConv2D',
    build: () =>
      one([6, 6, 2], (s) => L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', inputShape: s })),
    inputs: [[2, 6, 6, 2]],
  },
  {
    name: 'SeparableConv2D',
    build: () =>
      one([6, 6, 2], (s) => L.separableConv2d({ filters: 3, kernelSize: 3, activation: 'relu', inputShape: s })),
    inputs: [[2, 6, 6, 2]],
  },
  {
    name: 'MaxPooling1D',
    build: () => one([6, 2], (s) => L.maxPooling1d({ poolSize: 2, inputShape: s })),
    inputs: [[2, 6, 2]],
  },
  {
    name: 'AveragePooling1D',
    build: () => one([7, 2], (s) => L.averagePooling1d({ poolSize: 3, strides: 2, inputShape: s })),
    inputs: [[2, 7, 2]],
  },
  {
    name: 'MaxPooling2D',
    build: () => one([6, 6, 2], (s) => L.maxPooling2d({ poolSize: 2, inputShape: s })),
    inputs: [[2, 6, 6, 2]],
  },
  {
    name: 'AveragePooling2D same',
    build: () => one([5, 5, 2], (s) => L.averagePooling2d({ poolSize: 2, padding: 'same', inputShape: s })),
    inputs: [[2, 5, 5, 2]],
  },
  {
    name: 'GlobalAveragePooling1D',
    build: () => one([5, 3], (s) => L.globalAveragePooling1d({ inputShape: s })),
    inputs: [[2, 5, 3]],
  },
  {
    name: 'GlobalAveragePooling2D',
    build: () => one([4, 4, 3], (s) => L.globalAveragePooling2d({ inputShape: s })),
    inputs: [[2, 4, 4, 3]],
  },
  {
    name: 'GlobalMaxPooling2D',
    build: () => one([4, 4, 3], (s) => L.globalMaxPooling2d({ inputShape: s })),
    inputs: [[2, 4, 4, 3]],
  },
  {
    name: 'BatchNormalization',
    build: () => one([4, 4, 3], (s) => L.batchNormalization({ epsilon: 0.01, inputShape: s })),
    inputs: [[2, 4, 4, 3]],
  },
  {
    name: 'BatchNormalization without scale',
    build: () => one([5], (s) => L.batchNormalization({ scale: false, inputShape: s })),
    inputs: [[3, 5]],
  },
  {
    name: 'LayerNormalization',
    build: () => one([6], (s) => L.layerNormalization({ inputShape: s })),
    inputs: [[3, 6]],
  },
  {
    name: 'Dropout',
    build: () => one([5], (s) => L.dense({ units: 3, inputShape: s }), L.dropout({ rate: 0.5 })),
    inputs: [[2, 5]],
  },
  {
    name: 'GaussianNoise',
    build: () => one([5], (s) => L.gaussianNoise({ stddev: 0.3, inputShape: s })),
    inputs: [[2, 5]],
  },
  {
    name: 'Activation',
    build: () => one([5], (s) => L.activation({ activation: 'tanh', inputShape: s })),
    inputs: [[2, 5]],
  },
  {
    name: 'ReLU max 6',
    build: () => one([5], (s) => L.dense({ units: 4, inputShape: s }), L.reLU({ maxValue: 0.5 })),
    inputs: [[2, 5]],
  },
  { name: 'LeakyReLU', build: () => one([5], (s) => L.leakyReLU({ alpha: 0.1, inputShape: s })), inputs: [[2, 5]] },
  { name: 'ELU', build: () => one([5], (s) => L.elu({ inputShape: s })), inputs: [[2, 5]] },
  {
    name: 'PReLU',
    build: () => one([3, 3, 2], (s) => L.prelu({ sharedAxes: [1, 2], inputShape: s })),
    inputs: [[2, 3, 3, 2]],
  },
  { name: 'Softmax', build: () => one([5], (s) => L.softmax({ inputShape: s })), inputs: [[2, 5]] },
  {
    name: 'Flatten',
    build: () => one([3, 2, 2], (s) => L.flatten({ inputShape: s }), L.dense({ units: 2 })),
    inputs: [[2, 3, 2, 2]],
  },
  {
    name: 'Reshape',
    build: () => one([6], (s) => L.reshape({ targetShape: [3, 2], inputShape: s })),
    inputs: [[2, 6]],
  },
  {
    name: 'Permute',
    build: () => one([2, 3, 4], (s) => L.permute({ dims: [3, 1, 2], inputShape: s })),
    inputs: [[2, 2, 3, 4]],
  },
  { name: 'RepeatVector', build: () => one([3], (s) => L.repeatVector({ n: 4, inputShape: s })), inputs: [[2, 3]] },
  {
    name: 'ZeroPadding2D',
    build: () =>
      one([3, 3, 1], (s) =>
        L.zeroPadding2d({
          padding: [
            [1, 2],
            [0, 1],
          ],
          inputShape: s,
        }),
      ),
    inputs: [[2, 3, 3, 1]],
  },
  {
    name: 'Cropping2D',
    build: () =>
      one([5, 5, 1], (s) =>
        L.cropping2D({
          cropping: [
            [1, 0],
            [2, 1],
          ],
          inputShape: s,
        }),
      ),
    inputs: [[2, 5, 5, 1]],
  },
  {
    name: 'UpSampling2D',
    build: () => one([3, 3, 2], (s) => L.upSampling2d({ size: [2, 3], inputShape: s })),
    inputs: [[2, 3, 3, 2]],
  },
  {
    name: 'UpSampling2D bilinear',
    build: () => one([3, 3, 2], (s) => L.upSampling2d({ size: [2, 3], interpolation: 'bilinear', inputShape: s })),
    inputs: [[2, 3, 3, 2]],
    // Keras resizes with half-pixel centers (tf.image.resize); tfjs-layers 4.22 calls resizeBilinear without them.
    keras: {
      want: ([x]) => tf.image.resizeBilinear(x as never, [6, 9], false, true) as unknown as Tensor,
      refused: /half-pixel centers/,
    },
  },
  {
    name: 'Embedding',
    build: () => one([4], (s) => L.embedding({ inputDim: 10, outputDim: 3, inputShape: s })),
    inputs: [[2, 4]],
    ints: 10,
  },
  {
    name: 'Rescaling',
    build: () => one([4], (s) => L.rescaling({ scale: 1 / 255, offset: -0.5, inputShape: s })),
    inputs: [[2, 4]],
  },
  {
    name: 'Add',
    build: () => merged([4], (xs) => L.add().apply(xs) as tfl.SymbolicTensor),
    inputs: [
      [2, 4],
      [2, 4],
    ],
  },
  {
    name: 'Multiply',
    build: () => merged([4], (xs) => L.multiply().apply(xs) as tfl.SymbolicTensor),
    inputs: [
      [2, 4],
      [2, 4],
    ],
  },
  {
    name: 'Average',
    build: () => merged([4], (xs) => L.average().apply(xs) as tfl.SymbolicTensor),
    inputs: [
      [2, 4],
      [2, 4],
    ],
  },
  {
    name: 'Maximum',
    build: () => merged([4], (xs) => L.maximum().apply(xs) as tfl.SymbolicTensor),
    inputs: [
      [2, 4],
      [2, 4],
    ],
  },
  {
    name: 'Minimum',
    build: () => merged([4], (xs) => L.minimum().apply(xs) as tfl.SymbolicTensor),
    inputs: [
      [2, 4],
      [2, 4],
    ],
  },
  {
    name: 'Concatenate',
    build: () => merged([4], (xs) => L.concatenate({ axis: -1 }).apply(xs) as tfl.SymbolicTensor),
    inputs: [
      [2, 4],
      [2, 4],
    ],
  },
  {
    name: 'Dot',
    build: () => merged([4], (xs) => L.dot({ axes: 1, normalize: true }).apply(xs) as tfl.SymbolicTensor),
    inputs: [
      [2, 4],
      [2, 4],
    ],
  },
  // Whole models.
  {
    name: 'the course CNN',
    build: () =>
      one(
        [12, 12, 1],
        (s) => L.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: s, name: 'conv1' }),
        L.maxPooling2d({ poolSize: 2, name: 'pool1' }),
        L.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', name: 'conv2' }),
        L.flatten({ name: 'flat' }),
        L.dropout({ rate: 0.25 }),
        L.dense({ units: 10, activation: 'softmax', name: 'probs' }),
      ),
    inputs: [[2, 12, 12, 1]],
  },
  {
    name: 'a residual block',
    build: () => {
      const x = tfl.input({ shape: [6, 6, 3], name: 'image' });
      const c1 = L.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'c1' }).apply(x) as tfl.SymbolicTensor;
      const b1 = L.batchNormalization({ name: 'bn1' }).apply(c1) as tfl.SymbolicTensor;
      const r1 = L.reLU({ name: 'r1' }).apply(b1) as tfl.SymbolicTensor;
      const c2 = L.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'c2' }).apply(r1) as tfl.SymbolicTensor;
      const sum = L.add({ name: 'skip' }).apply([x, c2]) as tfl.SymbolicTensor;
      const out = L.globalAveragePooling2d({ name: 'gap' }).apply(
        L.reLU({ name: 'r2' }).apply(sum),
      ) as tfl.SymbolicTensor;
      return tfl.model({
        inputs: x,
        outputs: L.dense({ units: 4, activation: 'softmax', name: 'head' }).apply(out) as tfl.SymbolicTensor,
      });
    },
    inputs: [[2, 6, 6, 3]],
  },
  {
    name: 'a depthwise-separable block (MobileNet style)',
    build: () => {
      const x = tfl.input({ shape: [8, 8, 3], name: 'image' });
      let y = L.zeroPadding2d({
        padding: [
          [0, 1],
          [0, 1],
        ],
        name: 'pad',
      }).apply(x) as tfl.SymbolicTensor;
      y = L.conv2d({ filters: 4, kernelSize: 3, strides: 2, useBias: false, name: 'conv1' }).apply(
        y,
      ) as tfl.SymbolicTensor;
      y = L.batchNormalization({ name: 'conv1_bn' }).apply(y) as tfl.SymbolicTensor;
      y = L.reLU({ maxValue: 6, name: 'conv1_relu' }).apply(y) as tfl.SymbolicTensor;
      y = L.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'dw' }).apply(
        y,
      ) as tfl.SymbolicTensor;
      y = L.batchNormalization({ name: 'dw_bn' }).apply(y) as tfl.SymbolicTensor;
      y = L.reLU({ maxValue: 6, name: 'dw_relu' }).apply(y) as tfl.SymbolicTensor;
      y = L.conv2d({ filters: 6, kernelSize: 1, useBias: false, name: 'pw' }).apply(y) as tfl.SymbolicTensor;
      y = L.globalAveragePooling2d({ name: 'gap' }).apply(y) as tfl.SymbolicTensor;
      y = L.reshape({ targetShape: [1, 1, 6], name: 'reshape' }).apply(y) as tfl.SymbolicTensor;
      y = L.conv2d({ filters: 5, kernelSize: 1, name: 'logits' }).apply(y) as tfl.SymbolicTensor;
      y = L.flatten({ name: 'flat' }).apply(y) as tfl.SymbolicTensor;
      return tfl.model({
        inputs: x,
        outputs: L.activation({ activation: 'softmax', name: 'probs' }).apply(y) as tfl.SymbolicTensor,
      });
    },
    inputs: [[2, 8, 8, 3]],
  },
];

function inputsFor(c: Case, seed: number): Tensor[] {
  return c.inputs.map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = floats(n, seed + i).map((x) => 2 * x);
    return tensor(c.ints ? v.map((x) => Math.floor(((x + 2) / 4) * (c.ints as number))) : v, shape);
  });
}

async function outputsOf(y: Tensor | Tensor[]): Promise<Float32Array[]> {
  const ys = Array.isArray(y) ? y : [y];
  const out = await Promise.all(ys.map(async (t) => (await t.data()) as Float32Array));
  for (const t of ys) t.dispose();
  return out;
}

// Every layer's output, not only the model's: tfjs-layers' through a model whose outputs are all its
// layers, Neurite's from model.activations(), matched by layer name.
async function sameActivations(ref: tfl.LayersModel, model: Model, xs: Tensor[], backend: string): Promise<void> {
  const layers = ref.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const probe = tfl.model({ inputs: ref.inputs, outputs: layers.map((l) => l.output as tfl.SymbolicTensor) });
  const theirs = await outputsOf(probe.predict((xs.length === 1 ? xs[0] : xs) as never) as unknown as Tensor[]);
  const ours = new Map<string, Float32Array>();
  for (const a of model.activations((xs.length === 1 ? xs[0] : xs) as never)) {
    ours.set(a.name, (await a.output.data()) as Float32Array);
    a.output.dispose();
  }
  for (const [i, l] of layers.entries()) {
    const mine = ours.get(l.name);
    expect(mine, `layer '${l.name}'`).toBeDefined();
    expectClose(mine as Float32Array, theirs[i] as Float32Array, backend as never, 10);
  }
}

await describeBackends('tfjs-layers round trips', (backend) => {
  for (const c of cases) {
    it(`${c.name}: tfjs-layers -> Neurite -> tfjs-layers predicts the same`, async () => {
      const ref = c.build();
      randomizeTfl(ref, c.name.length);
      const xs = inputsFor(c, c.name.length);
      const input = xs.length === 1 ? xs[0] : xs;
      const want = await outputsOf((c.keras ? c.keras.want(xs) : ref.predict(input as never)) as Tensor);
      const saved = await saveTfl(ref);
      const { model, plan } = readLayersModel(saved.json, [[saved.shard]], { source: c.name });
      expect(plan.dialect).toBe('tfjs-layers');
      expect(plan.unused).toEqual([]);
      const got = await outputsOf(model.predict(input as never));
      expect(got.map((g) => g.length)).toEqual(want.map((w) => w.length));
      for (const [i, g] of got.entries()) expectClose(g, want[i] as Float32Array, backend, 10);
      if (!c.keras) await sameActivations(ref, model, xs, backend);
      // And back: Neurite writes it, tfjs-layers loads it.
      if (c.keras) {
        await expect(writeLayersModel(model)).rejects.toThrow(c.keras.refused);
        expect((await writeLayersModel(model, { target: 'keras' })).modelJson.modelTopology).toBeDefined();
        for (const t of [...xs, model, ref]) t.dispose();
        return;
      }
      const written = await writeLayersModel(model);
      const back = await loadTfl(written.modelJson, written.weightData);
      const again = await outputsOf(back.predict(input as never) as unknown as Tensor);
      for (const [i, g] of again.entries()) expectClose(g, want[i] as Float32Array, backend, 10);
      for (const m of [ref, back]) m.dispose();
      model.dispose();
      for (const x of xs) x.dispose();
    });
  }
});
