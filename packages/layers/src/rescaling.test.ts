import { tensor, useBackend } from '@neurite/core';
import { Rescaling } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(Rescaling, { config: { scale: 2, offset: -0.5 }, inputShape: [2, 3] });
await describeLayer(Rescaling, {
  config: { scale: [1, 2, 3], offset: [0, 0.5, 1] },
  inputShape: [2, 2, 3],
  title: 'per channel',
});

describe('Rescaling by hand', () => {
  it('computes x * scale + offset, on float or integer inputs', async () => {
    await useBackend('cpu');
    const pixels = tensor([[0, 51, 255]], undefined, 'int32');
    const unit = await new Rescaling({ scale: 1 / 255 }).apply(pixels).data();
    [0, 0.2, 1].forEach((v, i) => {
      expect(unit[i]).toBeCloseTo(v, 6);
    });
    const signed = Array.from(await new Rescaling({ scale: 1 / 127.5, offset: -1 }).apply(pixels).data());
    [-1, -0.6, 1].forEach((v, i) => {
      expect(signed[i]).toBeCloseTo(v, 6);
    });
    const perChannel = new Rescaling({ scale: [1, 10], offset: [0.5, 0] }).apply(tensor([[[1, 2]], [[3, 4]]]));
    expect(Array.from(await perChannel.data())).toEqual([1.5, 20, 3.5, 40]);
  });
  it('rejects a bad scale or offset, and one per channel that does not fit', async () => {
    await useBackend('cpu');
    expect(() => new Rescaling({} as never)).toThrow(
      'Rescaling: scale must be a finite number or a non-empty list of them (one per channel), e.g. 1 / 255 or ' +
        '[0.5, 0.5, 0.5]. Received: scale=undefined.',
    );
    expect(() => new Rescaling({ scale: 1, offset: [] })).toThrow('Rescaling: offset must be a finite number');
    expect(() => new Rescaling({ scale: [1, 2], name: 'r' }).apply(tensor([[1, 2, 3]]))).toThrow(
      "Rescaling 'r': scale has 2 values, one per channel, but the input's last axis has 3. Received shape [1, 3]. " +
        'Give one scale per channel, or a single number.',
    );
  });
});
