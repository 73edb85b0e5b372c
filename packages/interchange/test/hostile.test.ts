// Files made to hurt, read through the library (no folders: node.test.ts has those): each is refused
// with one NeuriteError that says what is wrong, before anything large is made.
import { NeuriteError, useBackend } from '@neurite/core';
import { exportOnnx, planLayersModel, readLayersModel, writeLayersModel } from '@neurite/interchange';
import { Dense } from '@neurite/layers';
import { modelFromJSON, sequential } from '@neurite/model';
import { beforeAll, describe, expect, it } from 'vitest';

const dense = (extra: Record<string, unknown> = {}) => ({
  class_name: 'Dense',
  config: { name: 'd', units: 2, batch_input_shape: [null, 3], ...extra },
});
const file = (weights: unknown[], layers: unknown[] = [dense()], paths = ['w.bin']) => ({
  format: 'layers-model',
  modelTopology: { class_name: 'Sequential', config: { name: 's', layers } },
  weightsManifest: [{ paths, weights }],
});
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NeuriteError);
    return (e as Error).message;
  }
  return 'accepted';
};

describe('hostile layers models', () => {
  beforeAll(() => useBackend('cpu'));

  it('counts quantized weights as the float32 they become: 70 MB of uint8 is 280 MB of weights', () => {
    const w = [
      { name: 'd/kernel', shape: [1000, 70_000], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } },
    ];
    expect(refusal(() => planLayersModel(file(w)))).toMatch(/take more than 268435456 bytes as float32/);
  });

  it('refuses NaN and infinite weights (float16 NaN bits, a scale of 1e308)', () => {
    const specs = [
      { name: 'd/kernel', shape: [3, 2], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'd/bias', shape: [2], dtype: 'float32' },
    ];
    const bytes = new Uint8Array(6 * 2 + 8);
    new DataView(bytes.buffer).setUint16(4, 0x7e00, true); // a NaN among the halves
    expect(refusal(() => readLayersModel(file(specs), [[bytes]]))).toMatch(
      /weight 'd\/kernel' holds NaN or infinite values/,
    );
    const huge = [
      {
        name: 'd/kernel',
        shape: [3, 2],
        dtype: 'float32',
        quantization: { dtype: 'uint8', min: -1e308, scale: 1e308 },
      },
      { name: 'd/bias', shape: [2], dtype: 'float32' },
    ];
    const q = new Uint8Array(6 + 8).fill(255);
    q.fill(0, 6);
    expect(refusal(() => readLayersModel(file(huge), [[q]]))).toMatch(/holds NaN or infinite values/);
  });

  it('refuses JSON nested 5,000 deep without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(refusal(() => planLayersModel(file([], [dense({ dtype: deep })])))).toMatch(
      /nests more than 100 levels deep/,
    );
  });

  it('looks input shapes up by own keys only: an input named constructor is not Object', () => {
    const layers = [
      {
        class_name: 'InputLayer',
        name: 'constructor',
        config: { name: 'constructor', batch_input_shape: [null, null] },
        inbound_nodes: [],
      },
    ];
    const json = {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Model',
        config: { name: 'm', layers, input_layers: [['constructor', 0, 0]], output_layers: [['constructor', 0, 0]] },
      },
      weightsManifest: [],
    };
    expect(refusal(() => planLayersModel(json, { inputShape: { other: [4] } }))).toMatch(/open dimensions/);
    expect(refusal(() => planLayersModel(json, { inputShape: { constructor: 5 as never } }))).toMatch(
      /not a list of integers/,
    );
  });

  it('refuses a manifest naming 20,000 shards or 200,000 weights', () => {
    const paths = Array.from({ length: 20_000 }, (_, i) => `s${i}.bin`);
    expect(refusal(() => planLayersModel(file([], [dense()], paths)))).toMatch(/more than 10000 shard files/);
    const many = Array.from({ length: 200_000 }, (_, i) => ({ name: `x${i}`, shape: [0], dtype: 'float32' }));
    expect(refusal(() => planLayersModel(file(many)))).toMatch(/more than 100000 weights/);
  });

  it('matches 5,000 scoped weight names quickly (one lookup each, not a scan)', () => {
    const layers = Array.from({ length: 5000 }, (_, i) =>
      i === 0 ? dense({ name: 'l0', units: 3 }) : { class_name: 'Dense', config: { name: `l${i}`, units: 3 } },
    );
    const weights = layers.flatMap((_, i) => [
      { name: `outer/scope/l${i}/kernel`, shape: [3, 3], dtype: 'float32' },
      { name: `outer/scope/l${i}/bias`, shape: [3], dtype: 'float32' },
    ]);
    const t = performance.now();
    const plan = planLayersModel(file(weights, layers));
    expect(plan.unused).toEqual([]);
    plan.model.dispose();
    // Generous: the scan this replaced took minutes at this size.
    expect(performance.now() - t).toBeLessThan(60_000);
  });

  it('names the file when a layer cannot take its input', () => {
    const crop = {
      class_name: 'Cropping2D',
      config: {
        name: 'l',
        cropping: [
          [5, 5],
          [5, 5],
        ],
        batch_input_shape: [null, 4, 4, 1],
      },
    };
    expect(refusal(() => planLayersModel(file([], [crop])))).toMatch(
      /^Cannot read the layers model model\.json: a layer does not fit its input: .*Cropping2D 'l'/,
    );
  });

  it('writes nothing it would not read back', async () => {
    const net = sequential([new Dense({ units: 1, inputShape: [2], name: 'n'.repeat(300) })], { name: 'long' });
    await expect(writeLayersModel(net)).rejects.toThrow(/would not read back: .*has no name of 1 to 200 characters/);
    net.dispose();
  });

  it('refuses an ONNX export over 2 GiB before reading a weight', async () => {
    // Assembled from JSON, so unbuilt: nothing of its 2.2 GB is made unless the exporter builds it.
    const net = modelFromJSON({
      name: 'big',
      inputShape: [1000],
      layers: [{ className: 'Dense', config: { name: 'big', units: 560_000 } }],
    });
    await expect(exportOnnx(net)).rejects.toThrow(/one ONNX file holds under 2 GiB/);
    expect(net.weights).toHaveLength(0);
    net.dispose();
  });
});
