import { tensor, useBackend } from '@neurite/core';
import { LeakyReLU } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

await describeLayer(LeakyReLU, { config: {}, inputShape: [2, 5] });
await describeLayer(LeakyReLU, { config: { alpha: 0.1 }, inputShape: [2, 2, 3], title: 'alpha 0.1' });

describe('LeakyReLU by hand', () => {
  it("uses Keras's default slope 0.3, or the alpha given", async () => {
    await useBackend('cpu');
    const x = tensor([[-2, -0.5, 0, 1.5]]);
    const got = Array.from(await new LeakyReLU().apply(x).data());
    [-0.6, -0.15, 0, 1.5].forEach((v, i) => {
      expect(got[i]).toBeCloseTo(v, 6);
    });
    const steep = Array.from(await new LeakyReLU({ alpha: 2 }).apply(x).data());
    expect(steep).toEqual([-4, -1, 0, 1.5]);
    expect(new LeakyReLU().name).toMatch(/^leaky_re_lu_\d+$/);
  });
  it('rejects an alpha that is not a finite number', () => {
    expect(() => new LeakyReLU({ alpha: '0.3' as never })).toThrow(
      "LeakyReLU: alpha must be a finite number, e.g. 0.3. Received: alpha='0.3'.",
    );
    expect(() => new LeakyReLU({ alpha: Number.POSITIVE_INFINITY })).toThrow('Received: alpha=Infinity.');
  });
});
