import { barChartSvg } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

const probabilities = [0.01, 0.02, 0.05, 0.01, 0.01, 0.01, 0.01, 0.85, 0.02, 0.01];

describe('barChartSvg', () => {
  it('draws one bar per value with labels 0..9 and highlights the largest', () => {
    const svg = barChartSvg(probabilities, { title: 'Softmax' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(10);
    expect(svg.match(/data-top="true"/g)).toHaveLength(1);
    const bars = [...svg.matchAll(/<rect class="bar"( data-top="true")?/g)];
    expect(bars.findIndex((m) => m[1])).toBe(7);
    const labels = [...svg.matchAll(/<text class="label"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(svg).toContain('>0.85<');
    expect(svg).toContain('>Softmax<');
  });

  it('uses the given labels, escaped, and stays self-contained', () => {
    const svg = barChartSvg([0.2, 0.8], { labels: ['<cat>', 'dog & co'] });
    expect(svg).toContain('&lt;cat&gt;');
    expect(svg).toContain('dog &amp; co');
    expect(svg.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:|url\(|<script|<image/);
  });

  it('handles negative values (logits) and rejects mismatched labels', () => {
    const svg = barChartSvg([-1, 2, 0.5]);
    expect(svg.match(/class="bar"/g)).toHaveLength(3);
    expect(svg).not.toContain('NaN');
    expect(() => barChartSvg([1, 2], { labels: ['a'] })).toThrow(
      'barChartSvg: expected 2 labels, one per value. Received: 1.',
    );
    expect(() => barChartSvg([])).toThrow('barChartSvg: expected at least one value.');
  });
});
