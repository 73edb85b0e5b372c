import { activationFunctionsSvg, lineChartSvg } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

const selfContained = (svg: string) => svg.replace('http://www.w3.org/2000/svg', '');
const points = (svg: string) =>
  [...svg.matchAll(/data-series="([^"]*)"[^>]*points="([^"]*)"/g)].map((m) => ({
    name: m[1],
    xy: m[2].split(' ').map((p) => p.split(',').map(Number)),
  }));

describe('lineChartSvg', () => {
  const svg = lineChartSvg({
    series: [
      { name: 'loss', values: [0.9, 0.5, 0.3, 0.2] },
      { name: 'valLoss', values: [1.0, 0.6, 0.4, 0.35], dashed: true },
    ],
    title: 'Loss <per> epoch',
    xLabel: 'epoch',
    yLabel: 'loss',
  });

  it('draws one polyline and one legend entry per series, with title and axis labels', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/class="series"/g)).toHaveLength(2);
    expect(svg.match(/class="legend-item"/g)).toHaveLength(2);
    expect(points(svg).map((s) => [s.name, s.xy.length])).toEqual([
      ['loss', 4],
      ['valLoss', 4],
    ]);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('Loss &lt;per&gt; epoch');
    expect(svg).toContain('>epoch</text>');
    expect(svg).toContain('>loss</text>');
  });

  it('puts higher values higher and later epochs further right, on integer epoch ticks', () => {
    const [loss] = points(svg);
    const xs = loss.xy.map((p) => p[0]);
    const ys = loss.xy.map((p) => p[1]);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(ys).toEqual([...ys].sort((a, b) => a - b)); // loss falls, so the SVG y grows
    const xTicks = [...svg.matchAll(/text-anchor="middle">(-?[\d.]+)<\/text>/g)].map((m) => m[1]);
    expect(xTicks).toEqual(['1', '2', '3', '4']);
  });

  it('is self-contained and skips non-finite values', () => {
    expect(selfContained(svg)).not.toMatch(/https?:|url\(|<script|<image|@import/);
    const gaps = lineChartSvg({ series: [{ name: 'acc', values: [0.5, Number.NaN, 0.9] }] });
    expect(points(gaps)[0].xy).toHaveLength(2);
    expect(gaps).not.toContain('NaN');
    const flat = lineChartSvg({ series: [{ name: 'const', values: [1, 1, 1] }] });
    expect(flat).not.toContain('NaN');
  });

  it('rejects missing series and a short x', () => {
    expect(() => lineChartSvg({ series: [] })).toThrow(
      'lineChartSvg: expected { series: [{ name, values }, ...] } with at least one series. Received: series=an array of 0.',
    );
    expect(() => lineChartSvg({ series: [{ name: 'a', values: [1, 2, 3] }], x: [1, 2] })).toThrow(
      'lineChartSvg: x has 2 values but the longest series has 3.',
    );
  });
});

describe('activationFunctionsSvg', () => {
  const svg = activationFunctionsSvg();

  it('plots sigmoid, tanh, relu and leakyRelu and their derivatives: 8 series of 161 points', () => {
    const series = points(svg);
    expect(series.map((s) => s.name)).toEqual([
      'sigmoid',
      'tanh',
      'relu',
      'leakyRelu (alpha 0.2)',
      'sigmoid',
      'tanh',
      'relu',
      'leakyRelu (alpha 0.2)',
    ]);
    expect(series.every((s) => s.xy.length === 161)).toBe(true);
    expect(svg).toContain('>Activation functions<');
    expect(svg).toContain('>Derivatives<');
    expect(selfContained(svg)).not.toMatch(/https?:/);
  });

  it('computes the formulas: relu is flat left of 0, leakyRelu is not, sigmoid peaks at 0 in derivative', () => {
    const [, , relu, leaky, dSigmoid] = points(svg);
    // Left of 0 (first 80 points): relu constant, leakyRelu rising.
    expect(new Set(relu.xy.slice(0, 80).map((p) => p[1])).size).toBe(1);
    expect(leaky.xy[0][1]).toBeGreaterThan(leaky.xy[79][1]);
    const ys = dSigmoid.xy.map((p) => p[1]);
    expect(ys.indexOf(Math.min(...ys))).toBe(80); // x = 0: the highest point has the smallest SVG y
  });

  it('takes leakyRelu slope', () => {
    expect(activationFunctionsSvg({ alpha: 0.1 })).toContain('leakyRelu (alpha 0.1)');
  });
});
