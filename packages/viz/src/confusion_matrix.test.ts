import { confusionMatrixSvg } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

describe('confusionMatrixSvg', () => {
  const matrix = [
    [50, 2, 0],
    [5, 43, 2],
    [0, 0, 0],
  ];

  it('draws n x n cells with their counts, rows true and columns predicted', () => {
    const svg = confusionMatrixSvg(matrix);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect class="cell"/g)).toHaveLength(9);
    const counts = [...svg.matchAll(/<text class="count"[^>]*>(\d+)</g)].map((m) => Number(m[1]));
    expect(counts).toEqual(matrix.flat());
    expect(svg).toContain('data-true="1" data-predicted="0"');
    const labels = [...svg.matchAll(/<text class="label"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(labels).toEqual(['0', '0', '1', '1', '2', '2']);
    expect(svg).toContain('>predicted<');
    expect(svg).toContain('>true<');
  });

  it('shades by the share of the row: a full row is darkest, an empty row white, never NaN', () => {
    const svg = confusionMatrixSvg([
      [4, 0],
      [0, 0],
    ]);
    const fills = [...svg.matchAll(/<rect class="cell"[^>]*fill="([^"]*)"/g)].map((m) => m[1]);
    expect(fills).toEqual(['rgb(8,81,156)', 'rgb(255,255,255)', 'rgb(255,255,255)', 'rgb(255,255,255)']);
    expect(svg).not.toContain('NaN');
  });

  it('escapes labels and stays self-contained', () => {
    const svg = confusionMatrixSvg(
      [
        [1, 0],
        [0, 1],
      ],
      { labels: ['<a>', '"b"'], title: 'T & T' },
    );
    expect(svg).toContain('&lt;a&gt;');
    expect(svg).toContain('&quot;b&quot;');
    expect(svg).toContain('T &amp; T');
    expect(svg.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:/);
  });

  it('rejects a matrix that is not square, and the wrong number of labels', () => {
    expect(() => confusionMatrixSvg([[1, 2], [3]])).toThrow(
      'confusionMatrixSvg: expected a square matrix of non-negative counts, matrix[true][predicted]. Received: rows of lengths [2, 1].',
    );
    expect(() => confusionMatrixSvg([[1]], { labels: ['a', 'b'] })).toThrow(
      'confusionMatrixSvg: expected 1 labels, one per class. Received: 2 labels.',
    );
  });
});
