import { tensor, useBackend, variableGrads } from '@neurite/core';
import { PReLU } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(PReLU, { config: {}, inputShape: [2, 4] });
await describeLayer(PReLU, {
  config: { alphaInitializer: { className: 'randomUniform', config: { minval: 0.1, maxval: 0.5 } } },
  inputShape: [2, 2, 3],
  title: 'one slope per value',
});
await describeLayer(PReLU, {
  config: { sharedAxes: [1, 2], alphaInitializer: { className: 'constant', config: { value: 0.25 } } },
  inputShape: [2, 2, 3, 2],
  title: 'one slope per channel',
});
await describeLayer(PReLU, {
  config: { sharedAxes: 1, alphaInitializer: { className: 'randomUniform', config: { minval: -0.5, maxval: 0.5 } } },
  inputShape: [2, 3, 2],
  title: 'shared over steps',
});

describe('PReLU by hand', () => {
  it('has a weight alpha of shape input.shape[1:], size 1 on the shared axes', () => {
    expect(new PReLU({ name: 'p' }).planWeights([null, 4, 5, 3]).map((w) => `${w.path} [${w.shape}]`)).toEqual([
      'p/alpha [4,5,3]',
    ]);
    expect(new PReLU({ sharedAxes: [1, 2] }).planWeights([null, 4, 5, 3])[0].shape).toEqual([1, 1, 3]);
    expect(new PReLU({ sharedAxes: 3 }).planWeights([null, 4, 5, 3])[0].shape).toEqual([4, 5, 1]);
  });
  it('computes x above 0 and alpha * x below, and learns alpha from the negative inputs', async () => {
    await useBackend('cpu');
    const layer = new PReLU({ sharedAxes: [1] });
    const x = tensor([
      [
        [-2, 3],
        [-1, -4],
      ],
    ]);
    layer.ensureBuilt([null, 2, 2]);
    layer.setWeightValues([[0.5, 0.25]]);
    expect(Array.from(await layer.apply(x).data())).toEqual([-1, 3, -0.5, -1]);
    // d sum(y) / d alpha_c = sum of the negative inputs of channel c: [-2 - 1, -4].
    const { value, grads } = variableGrads(() => layer.apply(x).sum() as never, [layer.weight('alpha')]);
    expect(Array.from(await grads[layer.weight('alpha').name].data())).toEqual([-3, -4]);
    value.dispose();
  });
  it('explains bad sharedAxes and a changed input shape', async () => {
    await useBackend('cpu');
    expect(() => new PReLU({ sharedAxes: [0] })).toThrow(
      'PReLU: sharedAxes must be a positive integer or a list of them (axis 0 is the batch), e.g. [1, 2] to share ' +
        "each channel's slope over height and width. Received: sharedAxes=[0].",
    );
    expect(() => new PReLU({ sharedAxes: [3], name: 'p' }).ensureBuilt([null, 4, 5])).toThrow(
      "PReLU 'p': sharedAxes [3] must name axes of its input, from 1 to 2. Received an input of shape [null, 4, 5].",
    );
    const layer = new PReLU({ name: 'q' });
    layer.apply(tensor([[[1, 2]]]));
    expect(() => layer.apply(tensor([[[1, 2]], [[3, 4]]]))).not.toThrow();
    expect(() =>
      layer.apply(
        tensor([
          [
            [1, 2],
            [3, 4],
          ],
        ]),
      ),
    ).toThrow(
      "PReLU 'q' was built for inputs of shape [null, 1, 2]. Received shape [1, 2, 2]. Its slopes fix every axis " +
        'except the batch and sharedAxes: use a new layer, or share the axis that varies.',
    );
    const shared = new PReLU({ sharedAxes: 1 });
    shared.apply(tensor([[[1, 2]]]));
    expect(
      shared.apply(
        tensor([
          [
            [1, 2],
            [3, 4],
          ],
        ]),
      ).shape,
    ).toEqual([1, 2, 2]);
  });
});
