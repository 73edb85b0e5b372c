// The files tensorflowjs_converter writes from Keras 2 and Keras 3, written out here as the converter
// writes them (snake_case keys, model_config, list or { args, kwargs } inbound nodes, DTypePolicy,
// batch_shape, vars/<i> names), with quantized weights. The reference is tfjs-layers 4.22: it reads the
// Keras 2 files itself (and decodes their quantized weights with tfjs's own decodeWeights); the Keras 3
// file, which it cannot read (tfjs#8494), is compared with the same network built in tfjs-layers code.
import { type Tensor, tensor } from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { readLayersModel } from '@neurite/interchange';
import { expect, it } from 'vitest';
import { tf, tfl } from './reference.js';

type Dtype = 'float32' | 'uint8' | 'uint16' | 'float16';
interface Spec {
  name: string;
  shape: number[];
  dtype?: Dtype;
}

// Weight specs and bytes as the converter writes them, seeded: quantized entries carry min and scale,
// float16 entries are random halves in [-2, 2].
function pack(specs: Spec[], seed: number): { weights: Record<string, unknown>[]; data: Uint8Array } {
  const parts: Uint8Array[] = [];
  const weights = specs.map((s, k) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const v = floats(n, seed + k);
    const dtype = s.dtype ?? 'float32';
    if (dtype === 'float32') {
      parts.push(new Uint8Array(v.buffer));
      return { name: s.name, shape: s.shape, dtype: 'float32' };
    }
    if (dtype === 'float16') {
      const h = Uint16Array.from(
        v,
        (x, i) => ((x < 0 ? 1 : 0) << 15) | ((13 + (i % 3)) << 10) | Math.floor(Math.abs(x) * 1023),
      );
      parts.push(new Uint8Array(h.buffer));
      return { name: s.name, shape: s.shape, dtype: 'float32', quantization: { dtype: 'float16' } };
    }
    const levels = dtype === 'uint8' ? 255 : 65535;
    const min = -0.9;
    const scale = 1.8 / levels;
    const levelsOf = Array.from(v, (x) => Math.round(((Math.max(-0.9, Math.min(0.9, x)) + 0.9) / 1.8) * levels));
    const q = dtype === 'uint8' ? Uint8Array.from(levelsOf) : Uint16Array.from(levelsOf);
    parts.push(new Uint8Array(q.buffer));
    return { name: s.name, shape: s.shape, dtype: 'float32', quantization: { dtype, min, scale } };
  });
  const data = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  return { weights, data };
}

const none = {
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
};
const k2init = {
  kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
  bias_initializer: { class_name: 'Zeros', config: {} },
};

// Keras 2.15 through the converter: a Sequential with an InputLayer, a regularizer (training only: a note)
// and every quantization.
function keras2Sequential() {
  const { weights, data } = pack(
    [
      { name: 'conv2d/kernel', shape: [3, 3, 1, 4], dtype: 'uint8' },
      { name: 'conv2d/bias', shape: [4], dtype: 'float16' },
      { name: 'dense/kernel', shape: [36, 3], dtype: 'uint16' },
      { name: 'dense/bias', shape: [3] },
    ],
    11,
  );
  const json = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'digits',
          layers: [
            {
              class_name: 'InputLayer',
              config: {
                batch_input_shape: [null, 8, 8, 1],
                dtype: 'float32',
                sparse: false,
                ragged: false,
                name: 'conv2d_input',
              },
            },
            {
              class_name: 'Conv2D',
              config: {
                name: 'conv2d',
                trainable: true,
                dtype: 'float32',
                filters: 4,
                kernel_size: [3, 3],
                strides: [1, 1],
                padding: 'valid',
                data_format: 'channels_last',
                dilation_rate: [1, 1],
                groups: 1,
                activation: 'relu',
                use_bias: true,
                ...k2init,
                ...none,
                kernel_regularizer: { class_name: 'L2', config: { l2: 0.01 } },
              },
            },
            {
              class_name: 'MaxPooling2D',
              config: {
                name: 'max_pooling2d',
                trainable: true,
                dtype: 'float32',
                pool_size: [2, 2],
                padding: 'valid',
                strides: [2, 2],
                data_format: 'channels_last',
              },
            },
            {
              class_name: 'Flatten',
              config: { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' },
            },
            {
              class_name: 'Dropout',
              config: { name: 'dropout', trainable: true, dtype: 'float32', rate: 0.5, noise_shape: null, seed: null },
            },
            {
              class_name: 'Dense',
              config: {
                name: 'dense',
                trainable: true,
                dtype: 'float32',
                units: 3,
                activation: 'softmax',
                use_bias: true,
                ...k2init,
                ...none,
              },
            },
          ],
        },
      },
      training_config: {
        loss: 'categorical_crossentropy',
        metrics: ['accuracy'],
        optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.001 } },
      },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  return { json, data, inputs: [[2, 8, 8, 1]] };
}

// Keras 2.15 functional, as keras.applications write them: BatchNormalization's axis as [3], list inbound nodes.
function keras2Functional() {
  const { weights, data } = pack(
    [
      { name: 'conv/kernel', shape: [3, 3, 3, 3] },
      { name: 'conv/bias', shape: [3] },
      { name: 'bn/gamma', shape: [3] },
      { name: 'bn/beta', shape: [3] },
      { name: 'bn/moving_mean', shape: [3] },
      { name: 'bn/moving_variance', shape: [3], dtype: 'uint8' },
      { name: 'logits/kernel', shape: [3, 2], dtype: 'uint8' },
      { name: 'logits/bias', shape: [2] },
    ],
    21,
  );
  // A variance must be positive: shift the quantized one above zero.
  const variance = weights[5] as { quantization: { min: number } };
  variance.quantization.min = 0.2;
  const at = (name: string) => [[[name, 0, 0, {}]]];
  const json = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Functional',
        config: {
          name: 'resnetish',
          layers: [
            {
              class_name: 'InputLayer',
              config: {
                batch_input_shape: [null, 6, 6, 3],
                dtype: 'float32',
                sparse: false,
                ragged: false,
                name: 'input_1',
              },
              name: 'input_1',
              inbound_nodes: [],
            },
            {
              class_name: 'Conv2D',
              config: {
                name: 'conv',
                trainable: true,
                dtype: 'float32',
                filters: 3,
                kernel_size: [3, 3],
                strides: [1, 1],
                padding: 'same',
                data_format: 'channels_last',
                dilation_rate: [1, 1],
                groups: 1,
                activation: 'linear',
                use_bias: true,
                ...k2init,
                ...none,
              },
              name: 'conv',
              inbound_nodes: at('input_1'),
            },
            {
              class_name: 'BatchNormalization',
              config: {
                name: 'bn',
                trainable: true,
                dtype: 'float32',
                axis: [3],
                momentum: 0.99,
                epsilon: 1.001e-5,
                center: true,
                scale: true,
                beta_initializer: { class_name: 'Zeros', config: {} },
                gamma_initializer: { class_name: 'Ones', config: {} },
                moving_mean_initializer: { class_name: 'Zeros', config: {} },
                moving_variance_initializer: { class_name: 'Ones', config: {} },
                beta_regularizer: null,
                gamma_regularizer: null,
                beta_constraint: null,
                gamma_constraint: null,
              },
              name: 'bn',
              inbound_nodes: at('conv'),
            },
            {
              class_name: 'Activation',
              config: { name: 'relu', trainable: true, dtype: 'float32', activation: 'relu' },
              name: 'relu',
              inbound_nodes: at('bn'),
            },
            {
              class_name: 'Add',
              config: { name: 'add', trainable: true, dtype: 'float32' },
              name: 'add',
              inbound_nodes: [
                [
                  ['input_1', 0, 0, {}],
                  ['relu', 0, 0, {}],
                ],
              ],
            },
            {
              class_name: 'GlobalAveragePooling2D',
              config: { name: 'gap', trainable: true, dtype: 'float32', data_format: 'channels_last', keepdims: false },
              name: 'gap',
              inbound_nodes: at('add'),
            },
            {
              class_name: 'Dense',
              config: {
                name: 'logits',
                trainable: true,
                dtype: 'float32',
                units: 2,
                activation: 'linear',
                use_bias: true,
                ...k2init,
                ...none,
              },
              name: 'logits',
              inbound_nodes: at('gap'),
            },
          ],
          input_layers: [['input_1', 0, 0]],
          output_layers: [['logits', 0, 0]],
        },
      },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  return { json, data, inputs: [[2, 6, 6, 3]] };
}

// Keras 3.6 through the converter: the same network as keras2Functional, in Keras 3's words.
function keras3Functional() {
  const k2 = keras2Functional();
  const names = [
    'conv/vars/0',
    'conv/vars/1',
    'bn/vars/0',
    'bn/vars/1',
    'bn/vars/2',
    'bn/vars/3',
    'logits/vars/0',
    'logits/vars/1',
  ];
  const weights = k2.json.weightsManifest[0]?.weights.map((w, i) => ({ ...w, name: names[i] })) ?? [];
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const init = (class_name: string) => ({
    module: 'keras.initializers',
    class_name,
    config: {},
    registered_name: null,
  });
  const kt = (layer: string, shape: (number | null)[]) => ({
    class_name: '__keras_tensor__',
    config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] },
  });
  const layer = (
    class_name: string,
    name: string,
    config: Record<string, unknown>,
    args: unknown[],
    kwargs: Record<string, unknown> = {},
  ) => ({
    module: 'keras.layers',
    class_name,
    config: { name, trainable: true, dtype: policy, ...config },
    registered_name: null,
    name,
    inbound_nodes: [{ args, kwargs }],
  });
  const img = [null, 6, 6, 3];
  const json = {
    format: 'layers-model',
    generatedBy: 'keras v3.6.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '3.6.0',
      backend: 'tensorflow',
      model_config: {
        module: 'keras',
        class_name: 'Functional',
        config: {
          name: 'resnetish',
          trainable: true,
          layers: [
            {
              module: 'keras.layers',
              class_name: 'InputLayer',
              config: { batch_shape: img, dtype: 'float32', sparse: false, name: 'input_1' },
              registered_name: null,
              name: 'input_1',
              inbound_nodes: [],
            },
            layer(
              'Conv2D',
              'conv',
              {
                filters: 3,
                kernel_size: [3, 3],
                strides: [1, 1],
                padding: 'same',
                data_format: 'channels_last',
                dilation_rate: [1, 1],
                groups: 1,
                activation: 'linear',
                use_bias: true,
                kernel_initializer: { ...init('GlorotUniform'), config: { seed: null } },
                bias_initializer: init('Zeros'),
                ...none,
              },
              [kt('input_1', img)],
            ),
            layer(
              'BatchNormalization',
              'bn',
              {
                axis: -1,
                momentum: 0.99,
                epsilon: 1.001e-5,
                center: true,
                scale: true,
                beta_initializer: init('Zeros'),
                gamma_initializer: init('Ones'),
                moving_mean_initializer: init('Zeros'),
                moving_variance_initializer: init('Ones'),
                beta_regularizer: null,
                gamma_regularizer: null,
                beta_constraint: null,
                gamma_constraint: null,
                synchronized: false,
              },
              [kt('conv', img)],
              { mask: null },
            ),
            layer('Activation', 'relu', { activation: 'relu' }, [kt('bn', img)]),
            layer('Add', 'add', {}, [[kt('input_1', img), kt('relu', img)]]),
            layer('GlobalAveragePooling2D', 'gap', { data_format: 'channels_last', keepdims: false }, [kt('add', img)]),
            layer(
              'Dense',
              'logits',
              {
                units: 2,
                activation: 'linear',
                use_bias: true,
                kernel_initializer: { ...init('GlorotUniform'), config: { seed: null } },
                bias_initializer: init('Zeros'),
                ...none,
              },
              [kt('gap', [null, 3])],
            ),
          ],
          input_layers: ['input_1', 0, 0],
          output_layers: ['logits', 0, 0],
        },
        registered_name: 'Functional',
      },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  return { json, data: k2.data, inputs: k2.inputs, keras2: k2 };
}

// tfjs-layers reads a Keras 2 converter file itself, decoding the quantized weights with tfjs's own code.
async function tfjsReads(
  json: { modelTopology: unknown; weightsManifest: { weights: unknown[] }[] },
  data: Uint8Array,
) {
  const specs = json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  return tfl.loadLayersModel(tf.io.fromMemory(json.modelTopology as object, specs, data.slice().buffer));
}

const inputs = (shapes: number[][]) =>
  shapes.map((s, i) =>
    tensor(
      floats(
        s.reduce((a, b) => a * b, 1),
        5 + i,
      ),
      s,
    ),
  );

async function values(t: unknown): Promise<Float32Array> {
  const y = t as Tensor;
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

await describeBackends('layers models from Keras', (backend) => {
  it('Keras 2 Sequential, quantized uint8 / uint16 / float16: predicts as tfjs-layers, the regularizer a note', async () => {
    const f = keras2Sequential();
    const { model, plan } = readLayersModel(f.json, [[f.data]]);
    expect(plan.dialect).toBe('keras2');
    expect(plan.kerasVersion).toBe('2.15.0');
    expect(plan.convertedBy).toBe('TensorFlow.js Converter v4.22.0');
    expect(plan.notes.join('\n')).toMatch(/conv2d.*regularizer/i);
    expect(model.layers.map((l) => l.className)).toEqual(['Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense']);
    // tfjs-layers knows Keras 2's L2 regularizer only as L1L2.
    const forTfjs = structuredClone(f.json);
    const conv = forTfjs.modelTopology.model_config.config.layers[1] as { config: Record<string, unknown> };
    conv.config.kernel_regularizer = { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } };
    const ref = await tfjsReads(forTfjs, f.data);
    const [x] = inputs(f.inputs) as [Tensor];
    expectClose(await values(model.predict(x)), await values(ref.predict(x as never)), backend, 10);
    for (const m of [model, ref, x]) m.dispose();
  });

  it('Keras 2 functional: BatchNormalization axis [3], a skip connection, list inbound nodes', async () => {
    const f = keras2Functional();
    const { model, plan } = readLayersModel(f.json, [[f.data]]);
    expect(plan.dialect).toBe('keras2');
    expect(plan.unused).toEqual([]);
    const ref = await tfjsReads(f.json, f.data);
    const [x] = inputs(f.inputs) as [Tensor];
    expectClose(await values(model.predict(x)), await values(ref.predict(x as never)), backend, 10);
    for (const m of [model, ref, x]) m.dispose();
  });

  it('Keras 3 functional (DTypePolicy, batch_shape, { args, kwargs } nodes, vars/<i> names): predicts as the Keras 2 twin', async () => {
    const f = keras3Functional();
    // tfjs-layers 4.22 itself cannot read it.
    await expect(tfjsReads(f.json, f.data)).rejects.toThrow();
    const { model, plan } = readLayersModel(f.json, [[f.data]]);
    expect(plan.dialect).toBe('keras3');
    expect(plan.unused).toEqual([]);
    const ref = await tfjsReads(f.keras2.json, f.keras2.data);
    const [x] = inputs(f.inputs) as [Tensor];
    expectClose(await values(model.predict(x)), await values(ref.predict(x as never)), backend, 10);
    for (const m of [model, ref, x]) m.dispose();
  });

  it('Keras 3 Sequential with an ELU of alpha 0.7 (tfjs-layers cannot build one): the formula', async () => {
    const dense = { kernel_initializer: null, bias_initializer: null, ...none };
    const { weights, data } = pack(
      [
        { name: 'dense/kernel', shape: [3, 4] },
        { name: 'dense/bias', shape: [4] },
      ],
      31,
    );
    const json = {
      format: 'layers-model',
      modelTopology: {
        keras_version: '3.6.0',
        model_config: {
          module: 'keras',
          class_name: 'Sequential',
          config: {
            name: 'seq',
            layers: [
              {
                module: 'keras.layers',
                class_name: 'InputLayer',
                config: { batch_shape: [null, 3], dtype: 'float32', name: 'in' },
              },
              {
                module: 'keras.layers',
                class_name: 'Dense',
                config: { name: 'dense', units: 4, activation: 'linear', use_bias: true, ...dense },
              },
              { module: 'keras.layers', class_name: 'ELU', config: { name: 'elu', alpha: 0.7 } },
            ],
          },
        },
      },
      weightsManifest: [{ paths: ['w.bin'], weights }],
    };
    const { model, plan } = readLayersModel(json, [[data]]);
    expect(plan.dialect).toBe('keras3');
    const x = floats(2 * 3, 9);
    const w = new Float32Array(data.buffer, 0, 12);
    const b = new Float32Array(data.buffer, 48, 4);
    const want = new Float32Array(8);
    for (let r = 0; r < 2; r++) {
      for (let j = 0; j < 4; j++) {
        let s = b[j] as number;
        for (let k = 0; k < 3; k++) s += (x[r * 3 + k] as number) * (w[k * 4 + j] as number);
        want[r * 4 + j] = s > 0 ? s : 0.7 * (Math.exp(s) - 1);
      }
    }
    const xt = tensor(x, [2, 3]);
    expectClose(await values(model.predict(xt)), want, backend, 10);
    model.dispose();
    xt.dispose();
  });
});
