import { NeuriteError } from '@neurite/core';
import { escapeXml, label, px, svgOpen } from './internal/svg.js';

/** How barChartSvg() draws. */
export interface BarChartOptions {
  /** One label per bar; default '0', '1', '2', ... (the digits for a softmax over MNIST). */
  labels?: string[];
  title?: string;
  /** Size in pixels; default width 40 + 36 per bar (at least 240), height 220. */
  width?: number;
  height?: number;
}

/**
 * A bar chart as a self-contained SVG string, with the largest bar highlighted (`data-top="true"`): for
 * a softmax output, the predicted class. Each bar is a `<rect class="bar">` with its value above it.
 *
 * @example
 * ```ts
 * import { barChartSvg } from '@neurite/viz';
 * const probabilities = [0.01, 0.02, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01];
 * const svg = barChartSvg(probabilities, { title: 'Prediction' });
 * console.log(svg.match(/class="bar"/g)?.length, svg.includes('data-top="true"')); // 10 true
 * ```
 */
export function barChartSvg(values: ArrayLike<number>, options: BarChartOptions = {}): string {
  const n = values?.length ?? 0;
  const vs = Array.from(values ?? [], (v) => (Number.isFinite(v) ? v : 0));
  if (n === 0) {
    throw new NeuriteError(
      'barChartSvg: expected at least one value. Received: an empty list. Pass e.g. the 10 probabilities of a softmax.',
    );
  }
  const labels = options.labels ?? vs.map((_, i) => String(i));
  if (labels.length !== n) {
    throw new NeuriteError(
      `barChartSvg: expected ${n} labels, one per value. Received: ${labels.length}. Leave labels out for 0, 1, 2, ...`,
    );
  }
  const width = options.width ?? Math.max(240, 40 + n * 36);
  const height = options.height ?? 220;
  const top = options.title ? 44 : 24;
  const bottom = height - 24;
  const left = 20;
  const slot = (width - 2 * left) / n;
  const lo = Math.min(0, ...vs);
  const hi = Math.max(0, ...vs) > lo ? Math.max(0, ...vs) : lo + 1;
  const sy = (v: number) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
  const best = vs.indexOf(Math.max(...vs));
  const parts = options.title
    ? [
        `<text class="title" x="${px(width / 2)}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
      ]
    : [];
  vs.forEach((v, i) => {
    const x = left + i * slot + slot * 0.15;
    const [y0, y1] = [Math.min(sy(v), sy(0)), Math.max(sy(v), sy(0))];
    const isBest = i === best;
    parts.push(
      `<rect class="bar"${isBest ? ' data-top="true"' : ''} x="${px(x)}" y="${px(y0)}" width="${px(slot * 0.7)}" ` +
        `height="${px(Math.max(y1 - y0, 0.5))}" fill="${isBest ? '#d62728' : '#1f77b4'}"/>`,
      `<text class="value" x="${px(x + slot * 0.35)}" y="${px(y0 - 4)}" text-anchor="middle" font-size="10">${Math.abs(v) < 10 ? v.toFixed(2) : label(v)}</text>`,
      `<text class="label" x="${px(x + slot * 0.35)}" y="${px(height - 8)}" text-anchor="middle"${isBest ? ' font-weight="bold"' : ''}>${escapeXml(labels[i])}</text>`,
    );
  });
  parts.push(`<line x1="${left}" y1="${px(sy(0))}" x2="${px(width - left)}" y2="${px(sy(0))}" stroke="#333333"/>`);
  return `${svgOpen(width, height, 'bar-chart')}${parts.join('')}</svg>`;
}
