import { liveTensors, tensor, useBackend, variableGrads } from '@neurite/core';
import { describeBackends } from '@neurite/core/testing';
import { Embedding } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

// The kit feeds floats in [-1, 1), which the layer truncates to integers as Keras does: every one becomes
// index 0. So the kit checks shapes, the registry round-trip, cpu agreement, inference and leaks, and a
// degenerate gradient (all of row 0); the real index lookups and gradients are checked by hand below.
await describeLayer(Embedding, { config: { inputDim: 5, outputDim: 3 }, inputShape: [2, 3] });

const table = [
  [0, 0.5, 1],
  [1, 1.5, 2],
  [2, 2.5, 3],
  [3, 3.5, 4],
];

await describeBackends('Embedding by hand', (backend) => {
  it('looks up rows, from int32 or float indices, for inputs of any rank', async () => {
    const layer = new Embedding({ inputDim: 4, outputDim: 3 });
    layer.ensureBuilt([null, 2]);
    layer.setWeightValues([table.flat()]);
    const ids = tensor(
      [
        [3, 0],
        [1, 1],
      ],
      undefined,
      'int32',
    );
    const y = layer.apply(ids);
    expect(y.shape).toEqual([2, 2, 3]);
    expect(Array.from(await y.data())).toEqual([...table[3], ...table[0], ...table[1], ...table[1]]);
    // Floats are truncated, as Keras casts them: 2.7 -> 2.
    expect(Array.from(await layer.apply(tensor([[2.7, 0.2]])).data())).toEqual([...table[2], ...table[0]]);
    // The weights do not fix the input's shape: [batch] and [batch, a, b] work on the same layer.
    expect(layer.apply(tensor([2], undefined, 'int32')).shape).toEqual([1, 3]);
    expect(layer.apply(tensor([[[1, 2, 3]]], undefined, 'int32')).shape).toEqual([1, 1, 3, 3]);
  });

  it("sums the output's gradients into each index's row, repeated indices included", async () => {
    const layer = new Embedding({ inputDim: 4, outputDim: 3 });
    layer.ensureBuilt([null, 3]);
    layer.setWeightValues([table.flat()]);
    const ids = tensor(
      [
        [1, 3, 1],
        [1, 0, 3],
      ],
      undefined,
      'int32',
    );
    const r = tensor(
      Array.from({ length: 18 }, (_, i) => i + 1),
      [2, 3, 3],
    );
    const before = liveTensors();
    const { value, grads } = variableGrads(() => layer.apply(ids).mul(r).sum() as never, [layer.weight('embeddings')]);
    const g = Array.from(await grads[layer.weight('embeddings').name].data());
    value.dispose();
    for (const t of Object.values(grads)) t.dispose();
    expect(liveTensors().tensors).toBe(before.tensors);
    // Row 1 gets r at positions 0, 2 and 3; row 3 at 1 and 5; row 0 at 4; row 2 nothing.
    const rows = (positions: number[]) => [0, 1, 2].map((k) => positions.reduce((s, p) => s + (p * 3 + k + 1), 0));
    expect(g).toEqual([...rows([4]), ...rows([0, 2, 3]), ...rows([]), ...rows([1, 5])]);
  });

  it(
    backend === 'webgpu'
      ? 'on webgpu, where it cannot read the indices, gives zero vectors for out-of-range ones (documented)'
      : 'throws on an out-of-range index',
    async () => {
      const layer = new Embedding({ inputDim: 4, outputDim: 3, name: 'words' });
      layer.ensureBuilt([null, 2]);
      layer.setWeightValues([table.flat()]);
      const bad = tensor([[1, 4]], undefined, 'int32');
      const negative = tensor([[-1, 0]]);
      if (backend === 'webgpu') {
        expect(Array.from(await layer.apply(bad).data())).toEqual([...table[1], 0, 0, 0]);
        expect(Array.from(await layer.apply(negative).data())).toEqual([0, 0, 0, ...table[0]]);
      } else {
        expect(() => layer.apply(bad)).toThrow(
          "Embedding 'words': index 4 (input position 1, counting in row-major order) is outside [0, 3]: inputDim " +
            'is 4. Every index must be an integer from 0 to inputDim - 1: raise inputDim to cover the vocabulary, ' +
            'or map unknown tokens to a reserved index.',
        );
        expect(() => layer.apply(negative)).toThrow("Embedding 'words': index -1 (input position 0,");
      }
    },
  );
});

describe('Embedding config', () => {
  it('has one weight, embeddings [inputDim, outputDim], drawn from randomUniform(-0.05, 0.05) by default', async () => {
    await useBackend('cpu');
    const layer = new Embedding({ inputDim: 50, outputDim: 8, name: 'e' });
    expect(layer.planWeights([null, 10]).map((w) => `${w.path} [${w.shape}]`)).toEqual(['e/embeddings [50,8]']);
    layer.ensureBuilt([null, 10]);
    const values = Array.from(await layer.weight('embeddings').data());
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(Math.max(...values)).toBeGreaterThan(0.03);
    expect(layer.computeOutputShape([null, 10])).toEqual([null, 10, 8]);
  });
  it('rejects a missing or bad inputDim or outputDim', () => {
    expect(() => new Embedding({ inputDim: 0, outputDim: 3 })).toThrow(
      'Embedding: inputDim must be a positive integer. Received: inputDim=0.',
    );
    expect(() => new Embedding({ inputDim: 10 } as never)).toThrow(
      'Embedding: outputDim must be a positive integer. Received: outputDim=undefined.',
    );
    expect(() => new Embedding(undefined as never)).toThrow('Embedding: inputDim must be a positive integer.');
  });
});
