// tfjs-layers 4.22 as the reference: its models saved to and loaded from memory in the layers format.
// tfjs-layers runs on the same tfjs engine as Neurite (one engine per process), so it computes on the
// backend the test selected.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export { tf, tfl };

/** model.json and its one shard, as tfjs's model.save() writes them. */
export interface Saved {
  json: Record<string, unknown>;
  shard: Uint8Array;
}

/** Saves a tfjs-layers model through a save handler: model.json (as the browser and Node handlers write it) and its weights. */
export async function saveTfl(m: tfl.LayersModel): Promise<Saved> {
  let saved: Saved | undefined;
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      saved = {
        json: {
          format: a.format,
          generatedBy: a.generatedBy,
          convertedBy: a.convertedBy,
          modelTopology: a.modelTopology,
          weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }],
        },
        shard: new Uint8Array(a.weightData as ArrayBuffer),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved as Saved;
}

/** Loads a layers model from memory into tfjs-layers. */
export async function loadTfl(
  json: { modelTopology: unknown; weightsManifest: { weights: unknown[] }[] },
  data: Uint8Array,
) {
  const specs = json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return tfl.loadLayersModel(tf.io.fromMemory(json.modelTopology as object, specs, buffer));
}

/** Gives every weight seeded values in [-1, 1] (variances in [0.5, 1.5]), so biases and statistics count. */
export function randomizeTfl(m: tfl.LayersModel, seed = 1): void {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const values = m.weights.map((w) => {
    const n = w.shape.reduce((a: number, b) => a * (b as number), 1);
    const variance = /variance/.test(w.originalName);
    const v = Float32Array.from({ length: n }, () => (variance ? 0.5 + next() : next() * 2 - 1));
    return tf.tensor(v, w.shape as number[]);
  });
  m.setWeights(values);
  for (const v of values) v.dispose();
}
