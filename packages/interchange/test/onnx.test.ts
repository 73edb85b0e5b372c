// ONNX export checked against the real thing: each supported layer in a small model, and three whole
// models (the course CNN, a residual block, a depthwise-separable block), exported by Neurite and run by
// onnxruntime-web 1.30 (its wasm build, in Node) on every Neurite backend; the outputs must match
// Neurite's own predictions, for a batch of 2 and, from the same file, a batch of 1.
import { type Tensor, tensor, useBackend } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { exportOnnx, ONNX_OPSETS, onnxLayers } from '@neurite/interchange';
import {
  Activation,
  Add,
  Average,
  AveragePooling1D,
  AveragePooling2D,
  BatchNormalization,
  Concatenate,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  Dot,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GaussianNoise,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  input,
  type Layer,
  LayerNormalization,
  LeakyReLU,
  Maximum,
  MaxPooling1D,
  MaxPooling2D,
  Minimum,
  Multiply,
  Permute,
  PReLU,
  ReLU,
  RepeatVector,
  Rescaling,
  Reshape,
  SeparableConv2D,
  Softmax,
  SpatialDropout2D,
  Subtract,
  UpSampling2D,
  ZeroPadding2D,
} from '@neurite/layers';
import { type Model, model, sequential } from '@neurite/model';
import * as ort from 'onnxruntime-web';
import { expect, it } from 'vitest';

// One thread: the wasm build otherwise starts workers, which this Node process has no use for.
ort.env.wasm.numThreads = 1;

interface Case {
  name: string;
  build: () => Model;
  /** Input shapes, batch 2 first. */
  inputs: number[][];
  opset?: number;
}

/** A Sequential of `layers` on samples of `shape`. */
const seq = (shape: number[], ...layers: Layer[]) => {
  const m = sequential(layers, { inputShape: shape });
  m.build();
  return m;
};

/** Two inputs of one shape, each through its own Conv2D (channels-first inside the file), merged by `merge`. */
const mergedImages = (merge: Layer, shape = [4, 4, 2]) => {
  const a = input({ shape, name: 'a' });
  const b = input({ shape, name: 'b' });
  const ca = new Conv2D({ filters: 3, kernelSize: 1, name: 'ca' }).apply(a);
  const cb = new Conv2D({ filters: 3, kernelSize: 1, name: 'cb' }).apply(b);
  return model({ inputs: [a, b], outputs: merge.apply([ca, cb]) });
};

/** Two vector inputs, each through a Dense, merged by `merge`. */
const mergedVectors = (merge: Layer) => {
  const a = input({ shape: [4], name: 'a' });
  const b = input({ shape: [4], name: 'b' });
  const da = new Dense({ units: 3, name: 'da' }).apply(a);
  const db = new Dense({ units: 3, name: 'db' }).apply(b);
  return model({ inputs: [a, b], outputs: merge.apply([da, db]) });
};

const img = [5, 5, 2];

const cases: Case[] = [
  { name: 'Dense', build: () => seq([5], new Dense({ units: 3, activation: 'relu' })), inputs: [[2, 5]] },
  ...['sigmoid', 'tanh', 'softmax', 'elu', 'softplus', 'gelu', 'swish', 'leakyRelu', 'linear'].map((a) => ({
    name: `Dense activation ${a}`,
    build: () => seq([5], new Dense({ units: 3, activation: a as 'relu' })),
    inputs: [[2, 5]],
  })),
  {
    name: 'Dense on rank 3, no bias',
    build: () => seq([3, 4], new Dense({ units: 2, useBias: false })),
    inputs: [[2, 3, 4]],
  },
  {
    name: 'Dense on feature maps',
    build: () => seq(img, new Conv2D({ filters: 3, kernelSize: 2 }), new Dense({ units: 2, activation: 'tanh' })),
    inputs: [[2, ...img]],
  },
  {
    name: 'Conv1D same',
    build: () => seq([7, 3], new Conv1D({ filters: 2, kernelSize: 4, padding: 'same', activation: 'relu' })),
    inputs: [[2, 7, 3]],
  },
  {
    name: 'Conv1D causal dilated',
    build: () => seq([8, 2], new Conv1D({ filters: 2, kernelSize: 2, dilationRate: 2, padding: 'causal' })),
    inputs: [[2, 8, 2]],
  },
  {
    name: 'Conv1D strided',
    build: () => seq([9, 2], new Conv1D({ filters: 3, kernelSize: 3, strides: 2 })),
    inputs: [[2, 9, 2]],
  },
  {
    name: 'Conv2D',
    build: () => seq(img, new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu' })),
    inputs: [[2, ...img]],
  },
  {
    name: 'Conv2D strided same',
    build: () => seq([7, 7, 1], new Conv2D({ filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same' })),
    inputs: [[2, 7, 7, 1]],
  },
  {
    name: 'Conv2D dilated same no bias',
    build: () =>
      seq([7, 7, 2], new Conv2D({ filters: 2, kernelSize: 2, dilationRate: 3, padding: 'same', useBias: false })),
    inputs: [[2, 7, 7, 2]],
  },
  {
    name: 'Conv2DTranspose same',
    build: () => seq([3, 4, 2], new Conv2DTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })),
    inputs: [[2, 3, 4, 2]],
  },
  {
    name: 'Conv2DTranspose valid, kernel smaller than stride',
    build: () => seq([3, 3, 1], new Conv2DTranspose({ filters: 2, kernelSize: 2, strides: 3, activation: 'relu' })),
    inputs: [[2, 3, 3, 1]],
  },
  {
    name: 'DepthwiseConv2D',
    build: () => seq(img, new DepthwiseConv2D({ kernelSize: [3, 2], depthMultiplier: 2, padding: 'same' })),
    inputs: [[2, ...img]],
  },
  {
    name: 'DepthwiseConv2D strided',
    build: () => seq([6, 6, 3], new DepthwiseConv2D({ kernelSize: 2, strides: 2, activation: 'relu' })),
    inputs: [[2, 6, 6, 3]],
  },
  {
    name: 'SeparableConv2D',
    build: () => seq(img, new SeparableConv2D({ filters: 3, kernelSize: 3, activation: 'relu' })),
    inputs: [[2, ...img]],
  },
  {
    name: 'SeparableConv2D strided same, depthMultiplier 2',
    build: () =>
      seq(
        img,
        new SeparableConv2D({ filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same', depthMultiplier: 2 }),
      ),
    inputs: [[2, ...img]],
  },
  { name: 'MaxPooling1D', build: () => seq([6, 2], new MaxPooling1D()), inputs: [[2, 6, 2]] },
  {
    name: 'AveragePooling1D same',
    build: () => seq([7, 2], new AveragePooling1D({ poolSize: 3, strides: 2, padding: 'same' })),
    inputs: [[2, 7, 2]],
  },
  { name: 'MaxPooling2D', build: () => seq([6, 6, 2], new MaxPooling2D()), inputs: [[2, 6, 6, 2]] },
  {
    name: 'MaxPooling2D same',
    build: () => seq([6, 6, 2], new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' })),
    inputs: [[2, 6, 6, 2]],
  },
  {
    name: 'AveragePooling2D same',
    build: () => seq(img, new AveragePooling2D({ poolSize: 2, padding: 'same' })),
    inputs: [[2, ...img]],
  },
  { name: 'GlobalAveragePooling1D', build: () => seq([5, 3], new GlobalAveragePooling1D()), inputs: [[2, 5, 3]] },
  { name: 'GlobalAveragePooling2D', build: () => seq(img, new GlobalAveragePooling2D()), inputs: [[2, ...img]] },
  {
    name: 'GlobalMaxPooling2D keepdims after a conv',
    build: () => seq(img, new Conv2D({ filters: 3, kernelSize: 2 }), new GlobalMaxPooling2D({ keepdims: true })),
    inputs: [[2, ...img]],
  },
  {
    name: 'BatchNormalization after a conv',
    build: () => seq(img, new Conv2D({ filters: 3, kernelSize: 2 }), new BatchNormalization({ epsilon: 0.01 })),
    inputs: [[2, ...img]],
  },
  {
    name: 'BatchNormalization without scale, on vectors',
    build: () => seq([4], new BatchNormalization({ scale: false })),
    inputs: [[2, 4]],
  },
  { name: 'LayerNormalization', build: () => seq([3, 4], new LayerNormalization()), inputs: [[2, 3, 4]] },
  {
    name: 'LayerNormalization after a conv, opset 17',
    build: () => seq(img, new Conv2D({ filters: 3, kernelSize: 2 }), new LayerNormalization({ epsilon: 1e-5 })),
    inputs: [[2, ...img]],
    opset: 17,
  },
  {
    name: 'LayerNormalization after a conv, without center',
    build: () => seq(img, new Conv2D({ filters: 3, kernelSize: 2 }), new LayerNormalization({ center: false })),
    inputs: [[2, ...img]],
  },
  {
    name: 'Activation layers',
    build: () =>
      seq([6], new Activation({ activation: 'gelu' }), new Activation({ activation: 'leakyRelu', alpha: 0.1 })),
    inputs: [[2, 6]],
  },
  { name: 'ReLU maxValue', build: () => seq([6], new ReLU({ maxValue: 0.5 })), inputs: [[2, 6]] },
  {
    name: 'ReLU threshold, negativeSlope and maxValue',
    build: () => seq([8], new ReLU({ threshold: 0.2, negativeSlope: 0.1, maxValue: 0.6 })),
    inputs: [[2, 8]],
  },
  { name: 'LeakyReLU', build: () => seq([6], new LeakyReLU()), inputs: [[2, 6]] },
  {
    name: 'ELU after a conv',
    build: () => seq(img, new Conv2D({ filters: 2, kernelSize: 2 }), new ELU({ alpha: 0.5 })),
    inputs: [[2, ...img]],
  },
  {
    name: 'PReLU shared over height and width, after a conv',
    build: () => seq(img, new Conv2D({ filters: 3, kernelSize: 2 }), new PReLU({ sharedAxes: [1, 2] })),
    inputs: [[2, ...img]],
  },
  {
    name: 'PReLU per value, after a conv',
    build: () => seq(img, new Conv2D({ filters: 3, kernelSize: 2 }), new PReLU()),
    inputs: [[2, ...img]],
  },
  {
    name: 'Softmax over channels, after a conv',
    build: () => seq(img, new Conv2D({ filters: 3, kernelSize: 2 }), new Softmax()),
    inputs: [[2, ...img]],
  },
  {
    name: 'Softmax over height and width, after a conv',
    build: () => seq(img, new Conv2D({ filters: 2, kernelSize: 2 }), new Softmax({ axis: [1, 2] })),
    inputs: [[2, ...img]],
  },
  {
    name: 'Flatten after a conv (channels-last order)',
    build: () => seq(img, new Conv2D({ filters: 3, kernelSize: 2 }), new Flatten(), new Dense({ units: 2 })),
    inputs: [[2, ...img]],
  },
  {
    name: 'Reshape and Permute',
    build: () => seq([6], new Reshape({ targetShape: [3, -1] }), new Permute({ dims: [2, 1] })),
    inputs: [[2, 6]],
  },
  { name: 'RepeatVector', build: () => seq([3], new RepeatVector({ n: 4 })), inputs: [[2, 3]] },
  {
    name: 'Dropout, GaussianNoise, SpatialDropout2D',
    build: () =>
      seq(
        img,
        new SpatialDropout2D({ rate: 0.5 }),
        new Conv2D({ filters: 2, kernelSize: 2 }),
        new GaussianNoise({ stddev: 1 }),
        new Flatten(),
        new Dropout({ rate: 0.5 }),
      ),
    inputs: [[2, ...img]],
  },
  {
    name: 'ZeroPadding2D and Cropping2D, after a conv',
    build: () =>
      seq(
        img,
        new Conv2D({ filters: 2, kernelSize: 1 }),
        new ZeroPadding2D({
          padding: [
            [1, 0],
            [2, 1],
          ],
        }),
        new Cropping2D({
          cropping: [
            [0, 2],
            [1, 1],
          ],
        }),
      ),
    inputs: [[2, ...img]],
  },
  {
    name: 'ZeroPadding2D and Cropping2D on the input',
    build: () => seq(img, new ZeroPadding2D({ padding: 1 }), new Cropping2D({ cropping: [2, 1] })),
    inputs: [[2, ...img]],
  },
  {
    name: 'UpSampling2D nearest',
    build: () => seq([3, 2, 2], new UpSampling2D({ size: [2, 3] })),
    inputs: [[2, 3, 2, 2]],
  },
  {
    name: 'UpSampling2D bilinear',
    build: () => seq([3, 4, 2], new UpSampling2D({ size: 2, interpolation: 'bilinear' })),
    inputs: [[2, 3, 4, 2]],
  },
  {
    name: 'Rescaling',
    build: () => seq(img, new Rescaling({ scale: 1 / 255, offset: -0.5 }), new Rescaling({ scale: [2, 3] })),
    inputs: [[2, ...img]],
  },
  {
    name: 'Rescaling per channel after a conv',
    build: () =>
      seq(img, new Conv2D({ filters: 2, kernelSize: 2 }), new Rescaling({ scale: [2, -1], offset: [0.5, 0] })),
    inputs: [[2, ...img]],
  },
  ...(
    [
      ['Add', () => new Add()],
      ['Subtract', () => new Subtract()],
      ['Multiply', () => new Multiply()],
      ['Average', () => new Average()],
      ['Maximum', () => new Maximum()],
      ['Minimum', () => new Minimum()],
      ['Concatenate', () => new Concatenate()],
    ] as const
  ).flatMap(([name, make]) => [
    {
      name: `${name} of vectors`,
      build: () => mergedVectors(make()),
      inputs: [
        [2, 4],
        [2, 4],
      ],
    },
    {
      name: `${name} of feature maps`,
      build: () => mergedImages(make()),
      inputs: [
        [2, 4, 4, 2],
        [2, 4, 4, 2],
      ],
    },
  ]),
  {
    name: 'Concatenate along width, a feature map and an input',
    build: () => {
      const x = input({ shape: [3, 3, 2], name: 'x' });
      const c = new Conv2D({ filters: 2, kernelSize: 1, name: 'c' }).apply(x);
      return model({ inputs: x, outputs: new Concatenate({ axis: 2, name: 'joined' }).apply([c, x]) });
    },
    inputs: [[2, 3, 3, 2]],
  },
  {
    name: 'Add of a channels-first and a channels-last value',
    build: () => {
      const x = input({ shape: [3, 3, 2], name: 'x' });
      const c = new Conv2D({ filters: 2, kernelSize: 1, name: 'c' }).apply(x);
      const r = new Rescaling({ scale: 2, name: 'r' }).apply(x);
      return model({ inputs: x, outputs: new Add({ name: 'sum' }).apply([c, r]) });
    },
    inputs: [[2, 3, 3, 2]],
  },
  {
    name: 'a shared layer, two outputs, one also read further on',
    build: () => {
      const x = input({ shape: [4], name: 'x' });
      const shared = new Dense({ units: 4, activation: 'tanh', name: 'shared' });
      const once = shared.apply(x);
      const twice = shared.apply(once);
      const head = new Dense({ units: 2, name: 'head' }).apply(twice);
      return model({ inputs: x, outputs: [once, head] });
    },
    inputs: [[2, 4]],
  },
  {
    name: 'a nested model',
    build: () => {
      const inner = seq([4, 4, 1], new Conv2D({ filters: 2, kernelSize: 3, name: 'inner_conv' }), new Flatten());
      const x = input({ shape: [4, 4, 1], name: 'image' });
      const y = new Dense({ units: 2, name: 'outer_dense' }).apply(inner.apply(x));
      return model({ inputs: x, outputs: y });
    },
    inputs: [[2, 4, 4, 1]],
  },
];

/** The course's CNN: the one the docs train on MNIST, on a 12x12 image. */
const courseCnn = () =>
  seq(
    [12, 12, 1],
    new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }),
    new MaxPooling2D(),
    new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }),
    new Flatten(),
    new Dropout({ rate: 0.25 }),
    new Dense({ units: 10, activation: 'softmax' }),
  );

/** A residual block: conv, BN, ReLU, conv, plus the input, ReLU, then a classifier. */
const residualBlock = () => {
  const x = input({ shape: [6, 6, 3], name: 'image' });
  let h = new Conv2D({ filters: 3, kernelSize: 3, padding: 'same', name: 'conv1' }).apply(x);
  h = new BatchNormalization({ name: 'bn1' }).apply(h);
  h = new ReLU({ name: 'relu1' }).apply(h);
  h = new Conv2D({ filters: 3, kernelSize: 3, padding: 'same', name: 'conv2' }).apply(h);
  h = new Add({ name: 'skip' }).apply([h, x]);
  h = new ReLU({ name: 'relu2' }).apply(h);
  h = new GlobalAveragePooling2D({ name: 'pool' }).apply(h);
  return model({ inputs: x, outputs: new Dense({ units: 4, activation: 'softmax', name: 'probs' }).apply(h) });
};

/** A MobileNet-style block: pad, strided conv, BN, ReLU6, depthwise, BN, ReLU6, pointwise, pool, classifier. */
const separableBlock = () =>
  seq(
    [8, 8, 3],
    new ZeroPadding2D({
      padding: [
        [0, 1],
        [0, 1],
      ],
    }),
    new Conv2D({ filters: 4, kernelSize: 3, strides: 2, useBias: false }),
    new BatchNormalization(),
    new ReLU({ maxValue: 6 }),
    new DepthwiseConv2D({ kernelSize: 3, padding: 'same', useBias: false }),
    new BatchNormalization(),
    new ReLU({ maxValue: 6 }),
    new Conv2D({ filters: 5, kernelSize: 1, useBias: false }),
    new GlobalAveragePooling2D(),
    new Dense({ units: 3 }),
  );

const wholeModels: Case[] = [
  { name: 'the course CNN', build: courseCnn, inputs: [[2, 12, 12, 1]] },
  { name: 'a residual block', build: residualBlock, inputs: [[2, 6, 6, 3]] },
  { name: 'a depthwise-separable block', build: separableBlock, inputs: [[2, 8, 8, 3]] },
];

/** Seeded weights of a fair size, moving variances positive, so every weight moves the outputs. */
function randomize(m: Model, seed: number): void {
  m.setWeightValues(
    m.weights.map((w, i) => {
      const v = floats(w.variable.size, seed + i);
      return w.name === 'movingVariance' ? v.map((x) => 0.5 + Math.abs(x)) : v.map((x) => 0.8 * x);
    }),
  );
}

/** Runs the file in onnxruntime-web, feeding inputs by name; every output, in the model's order. */
async function runOnnx(bytes: Uint8Array, names: string[], xs: { data: Float32Array; shape: number[] }[]) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const feeds = Object.fromEntries(names.map((n, i) => [n, new ort.Tensor('float32', xs[i].data, xs[i].shape)]));
    const results = await session.run(feeds);
    return session.outputNames.map((n) => ({
      name: n,
      dims: [...results[n].dims],
      data: results[n].data as Float32Array,
    }));
  } finally {
    await session.release();
  }
}

/** The first sample of a batch. */
const first = (data: Float32Array, shape: number[]) => data.slice(0, data.length / shape[0]);

async function check(c: Case, backend: string, seed: number): Promise<void> {
  const net = c.build();
  randomize(net, seed);
  const xs = c.inputs.map((shape, i) => ({
    shape,
    data: floats(
      shape.reduce((a, b) => a * b, 1),
      seed * 7 + i,
    ).map((x) => 2 * x),
  }));
  const tensors = xs.map((x) => tensor(x.data, x.shape));
  const outs: Tensor[] = net.predictAll(tensors.length === 1 ? tensors[0] : tensors);
  const want = await Promise.all(outs.map(async (t) => ({ shape: t.shape, data: (await t.data()) as Float32Array })));
  for (const t of [...tensors, ...outs]) t.dispose();
  const bytes = await exportOnnx(net, { opset: c.opset });
  const got = await runOnnx(bytes, net.inputNames, xs);
  expect(got.map((o) => o.name)).toEqual(net.outputNames);
  got.forEach((o, i) => {
    expect(o.dims).toEqual(want[i].shape);
    expectClose(o.data, want[i].data, backend, 10);
  });
  // The same file with a batch of 1: the batch dimension is symbolic.
  const one = await runOnnx(
    bytes,
    net.inputNames,
    xs.map((x) => ({ shape: [1, ...x.shape.slice(1)], data: first(x.data, x.shape) })),
  );
  one.forEach((o, i) => {
    expect(o.dims).toEqual([1, ...want[i].shape.slice(1)]);
    expectClose(o.data, first(want[i].data, want[i].shape), backend, 10);
  });
  net.dispose();
}

/** A protobuf message's fields: numbers (wire type 0) as numbers, length-delimited ones as bytes. */
function* fields(buf: Uint8Array): Generator<{ field: number; value: number | Uint8Array }> {
  let at = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = buf[at++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  while (at < buf.length) {
    const key = varint();
    if (key % 8 === 0) {
      yield { field: Math.floor(key / 8), value: varint() };
    } else if (key % 8 === 2) {
      const len = varint();
      yield { field: Math.floor(key / 8), value: buf.subarray(at, at + len) };
      at += len;
    } else {
      throw new Error(`fields: wire type ${key % 8} at byte ${at} is not one an exported header uses.`);
    }
  }
}

/** ModelProto's ir_version (field 1) and opset_import (field 8: domain 1, version 2), read back. */
function readHeader(bytes: Uint8Array): { irVersion: number; opsets: { domain: string; version: number }[] } {
  let irVersion = -1;
  const opsets: { domain: string; version: number }[] = [];
  for (const { field, value } of fields(bytes)) {
    if (field === 1) irVersion = value as number;
    if (field !== 8) continue;
    const opset = { domain: '', version: -1 };
    for (const f of fields(value as Uint8Array)) {
      if (f.field === 1) opset.domain = new TextDecoder().decode(f.value as Uint8Array);
      if (f.field === 2) opset.version = f.value as number;
    }
    opsets.push(opset);
  }
  return { irVersion, opsets };
}

await describeBackends('ONNX export', (backend) => {
  cases.forEach((c, i) => {
    it(`${c.name}: onnxruntime predicts what Neurite does`, async () => {
      await check(c, backend, 100 + i);
    });
  });
  wholeModels.forEach((c, i) => {
    for (const opset of [13, 17]) {
      it(`${c.name}, opset ${opset}: onnxruntime predicts what Neurite does`, async () => {
        await check({ ...c, opset }, backend, 900 + i);
      });
    }
  });
});

it('declares opset 13 of the default domain (IR version 7), or the opset asked for', async () => {
  await useBackend('cpu');
  const net = courseCnn();
  expect(readHeader(await exportOnnx(net))).toEqual({ irVersion: 7, opsets: [{ domain: '', version: 13 }] });
  expect(readHeader(await exportOnnx(net, { opset: 17 }))).toEqual({
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
  });
  await expect(exportOnnx(net, { opset: 12 })).rejects.toThrow(
    `exportOnnx: opset must be an integer from ${ONNX_OPSETS.min} to ${ONNX_OPSETS.max}. Received: opset=12. ` +
      'Leave it out for 13, which every current ONNX runtime reads.',
  );
});

it('names every layer without an ONNX form in one message', async () => {
  await useBackend('cpu');
  const ids = input({ shape: [3], name: 'ids' });
  const a = new Embedding({ inputDim: 10, outputDim: 4, name: 'words' }).apply(ids);
  const b = new Dense({ units: 4, name: 'proj' }).apply(a);
  const score = new Dot({ axes: 2, name: 'score' }).apply([a, b]);
  const net = model({ inputs: ids, outputs: score, name: 'ranker' });
  await expect(exportOnnx(net)).rejects.toThrow(
    "exportOnnx: 2 layer(s) of 'ranker' cannot be written as ONNX:\n" +
      "  - Embedding 'words': no ONNX form in this version\n" +
      "  - Dot 'score': no ONNX form in this version\n" +
      `Replace them with layers that have an ONNX form (${onnxLayers.join(', ')}), or export the part of the model without them.`,
  );
});
