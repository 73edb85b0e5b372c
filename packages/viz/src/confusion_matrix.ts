import { NeuriteError } from '@neurite/core';
import { escapeXml, px, svgOpen } from './internal/svg.js';

/** The darkest shade of the confusion matrix (ColorBrewer Blues); an empty cell is white. */
const DARK = [0x08, 0x51, 0x9c] as const;

/**
 * A confusion matrix as a self-contained SVG heatmap: `matrix[t][p]` counts samples of true class `t`
 * predicted as `p` (rows true, columns predicted). Each cell shows its count; its shade is the count's
 * share of its row (the recall of that class, on the diagonal).
 *
 * @example
 * ```ts
 * import { confusionMatrixSvg } from '@neurite/viz';
 * const svg = confusionMatrixSvg([[50, 2], [5, 43]], { labels: ['cat', 'dog'] });
 * console.log(svg.match(/class="cell"/g)?.length); // 4
 * ```
 */
export function confusionMatrixSvg(
  matrix: number[][],
  options: { labels?: string[]; title?: string; cellSize?: number } = {},
): string {
  const n = Array.isArray(matrix) ? matrix.length : 0;
  const square =
    n > 0 &&
    matrix.every((row) => Array.isArray(row) && row.length === n && row.every((v) => Number.isFinite(v) && v >= 0));
  if (!square) {
    throw new NeuriteError(
      'confusionMatrixSvg: expected a square matrix of non-negative counts, matrix[true][predicted]. ' +
        `Received: ${Array.isArray(matrix) ? `rows of lengths [${matrix.map((r) => (Array.isArray(r) ? r.length : typeof r)).join(', ')}]` : String(matrix)}. ` +
        'Build it with one row and one column per class, e.g. 10 x 10 for MNIST.',
    );
  }
  const labels = options.labels ?? matrix.map((_, i) => String(i));
  if (labels.length !== n) {
    throw new NeuriteError(
      `confusionMatrixSvg: expected ${n} labels, one per class. Received: ${labels.length} labels. Leave labels out for 0, 1, 2, ...`,
    );
  }
  const cell = options.cellSize ?? 36;
  const left = 78;
  const top = 62;
  const width = left + n * cell + 12;
  const height = top + n * cell + 12;
  const parts = [
    `<text class="title" x="${px(width / 2)}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title ?? 'Confusion matrix')}</text>`,
    `<text x="${px(left + (n * cell) / 2)}" y="38" text-anchor="middle">predicted</text>`,
    `<text transform="translate(16 ${px(top + (n * cell) / 2)}) rotate(-90)" text-anchor="middle">true</text>`,
  ];
  labels.forEach((l, i) => {
    const mid = i * cell + cell / 2;
    parts.push(
      `<text class="label" x="${px(left + mid)}" y="${top - 6}" text-anchor="middle">${escapeXml(l)}</text>`,
      `<text class="label" x="${left - 6}" y="${px(top + mid + 4)}" text-anchor="end">${escapeXml(l)}</text>`,
    );
  });
  matrix.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      const share = total > 0 ? count / total : 0;
      const fill = DARK.map((c) => Math.round(255 + share * (c - 255)));
      const x = left + p * cell;
      const y = top + t * cell;
      parts.push(
        `<rect class="cell" data-true="${t}" data-predicted="${p}" x="${x}" y="${y}" width="${cell}" height="${cell}" ` +
          `fill="rgb(${fill.join(',')})" stroke="#dddddd"/>` +
          `<text class="count" x="${px(x + cell / 2)}" y="${px(y + cell / 2 + 4)}" text-anchor="middle" ` +
          `fill="${share > 0.5 ? '#ffffff' : '#222222'}">${count}</text>`,
      );
    });
  });
  return `${svgOpen(width, height, 'confusion-matrix')}${parts.join('')}</svg>`;
}
