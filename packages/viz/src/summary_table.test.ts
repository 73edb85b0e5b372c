import { summaryTableHtml } from '@neurite/viz';
import { describe, expect, it } from 'vitest';

const summary = {
  name: 'cnn',
  rows: [
    { name: 'conv2d_1', className: 'Conv2D', outputShape: [null, 26, 26, 8], params: 80 },
    { name: 'flatten_1', className: 'Flatten', outputShape: [null, 5408], params: 0 },
    { name: 'dense_1', className: 'Dense', outputShape: [null, 10], params: 54090 },
  ],
  totalParams: 54170,
  trainableParams: 54170,
  nonTrainableParams: 0,
  text: '',
};

describe('summaryTableHtml', () => {
  it('has one body row per layer with name, class, shape and parameters, then the totals', () => {
    const html = summaryTableHtml(summary);
    expect(html.startsWith('<table class="summary">')).toBe(true);
    const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
    expect(body.match(/<tr>/g)).toHaveLength(3);
    expect(body).toContain(
      '<tr><td>conv2d_1</td><td>Conv2D</td><td>[null, 26, 26, 8]</td><td class="num">80</td></tr>',
    );
    expect(body).toContain('<td class="num">54,090</td>');
    expect(html).toContain('<caption>Model: cnn</caption>');
    expect(html).toContain('<tr><th colspan="3">Total params</th><td class="num">54,170</td></tr>');
    expect(html).toContain('<tr><th colspan="3">Non-trainable params</th><td class="num">0</td></tr>');
  });

  it('escapes every text', () => {
    const html = summaryTableHtml({
      ...summary,
      name: '<b>m</b>',
      rows: [{ name: '<script>alert(1)</script>', className: 'A&B', outputShape: [null, 1], params: 1 }],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('A&amp;B');
  });

  it('rejects something that is not a summary', () => {
    expect(() => summaryTableHtml({} as never)).toThrow(
      'summaryTableHtml: expected a model summary { name, rows: [{ name, className, outputShape, params }], totalParams, ... }. Received: object without rows.',
    );
  });
});
