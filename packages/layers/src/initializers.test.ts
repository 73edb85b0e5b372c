import { setSeed, useBackend } from '@neurite/core';
import { fans, getInitializer, type InitializerName, serializeInitializer } from '@neurite/layers';
import { describe, expect, it } from 'vitest';

async function stats(name: InitializerName, shape: number[]) {
  const v = Array.from(await getInitializer(name)(shape).data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { v, mean, std, min: Math.min(...v), max: Math.max(...v) };
}

describe('initializers', () => {
  it('computes fans for dense and conv kernels', () => {
    expect(fans([784, 128])).toEqual({ fanIn: 784, fanOut: 128 });
    // conv [kh, kw, in, out]: the 3x3 receptive field multiplies both
    expect(fans([3, 3, 32, 64])).toEqual({ fanIn: 288, fanOut: 576 });
  });

  it('draws with the variance each scheme asks for', async () => {
    await useBackend('cpu');
    setSeed(1);
    // glorotUniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut)) = sqrt(6 / 600) = 0.1; std = l / sqrt(3)
    const g = await stats('glorotUniform', [400, 200]);
    expect(g.max).toBeLessThanOrEqual(0.1);
    expect(g.min).toBeGreaterThanOrEqual(-0.1);
    expect(g.std).toBeCloseTo(0.1 / Math.sqrt(3), 2);
    // heNormal: std sqrt(2 / fanIn) = sqrt(2 / 400) = 0.0707 (truncated at 2 std, then rescaled)
    expect((await stats('heNormal', [400, 200])).std).toBeCloseTo(Math.sqrt(2 / 400), 2);
    // lecunNormal: std sqrt(1 / 400) = 0.05
    expect((await stats('lecunNormal', [400, 200])).std).toBeCloseTo(0.05, 2);
    // heUniform: limit sqrt(6 / 400)
    expect((await stats('heUniform', [400, 200])).max).toBeLessThanOrEqual(Math.sqrt(6 / 400));
    expect((await stats('zeros', [3])).v).toEqual([0, 0, 0]);
    expect((await stats('ones', [2])).v).toEqual([1, 1]);
    const c = await getInitializer({ className: 'constant', config: { value: 0.5 } })([2]).data();
    expect(Array.from(c)).toEqual([0.5, 0.5]);
  });

  it('follows the global seed and serialises', async () => {
    await useBackend('cpu');
    setSeed(9);
    const a = await getInitializer('randomNormal')([5]).data();
    setSeed(9);
    expect(await getInitializer('randomNormal')([5]).data()).toEqual(a);
    expect(
      serializeInitializer(getInitializer({ className: 'randomUniform', config: { minval: -1, maxval: 1 } })),
    ).toEqual({
      className: 'randomUniform',
      config: { minval: -1, maxval: 1 },
    });
    expect(() => getInitializer('xavier' as InitializerName)).toThrow(
      "Unknown initializer 'xavier'. Expected one of: zeros",
    );
  });
});
