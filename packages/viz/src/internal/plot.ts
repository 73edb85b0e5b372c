import { escapeXml, label, niceTicks, PALETTE, px, textWidth } from './svg.js';

/** One line of a line chart. */
export interface Series {
  name: string;
  values: ArrayLike<number>;
  /** A CSS colour; default: the next of 8 distinct colours. */
  color?: string;
  /** Draw dashed (e.g. for validation curves). */
  dashed?: boolean;
}

/** What one panel of lines shows. */
export interface PanelSpec {
  series: Series[];
  /** The x of each point; default 1, 2, 3, ... (epochs). */
  x?: ArrayLike<number>;
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

const finite = (v: number) => Number.isFinite(v);

/** Renders a panel of lines with axes, ticks, grid and legend into the box (left, top, width, height). */
export function linePanel(spec: PanelSpec, left: number, top: number, width: number, height: number): string {
  const n = Math.max(0, ...spec.series.map((s) => s.values.length));
  const xs = spec.x ? Array.from(spec.x) : Array.from({ length: n }, (_, i) => i + 1);
  const parts: string[] = [];
  if (spec.title) {
    parts.push(
      `<text class="title" x="${px(left + width / 2)}" y="${px(top + 16)}" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(spec.title)}</text>`,
    );
  }
  // Legend items flow left to right and wrap at the panel's right edge.
  const x0 = left + 56;
  const x1 = left + width - 12;
  let lx = x0;
  let ly = top + 34;
  spec.series.forEach((s, i) => {
    const w = 24 + textWidth(s.name) + 14;
    if (lx + w > x1 && lx > x0) {
      lx = x0;
      ly += 16;
    }
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    parts.push(
      `<g class="legend-item"><line x1="${px(lx)}" y1="${px(ly - 4)}" x2="${px(lx + 18)}" y2="${px(ly - 4)}" stroke="${escapeXml(color)}" stroke-width="2"${dash}/>` +
        `<text x="${px(lx + 22)}" y="${px(ly)}">${escapeXml(s.name)}</text></g>`,
    );
    lx += w;
  });
  const y0 = ly + 12;
  const y1 = top + height - 40;

  const ys = spec.series.flatMap((s) => Array.from(s.values).filter(finite));
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys), 5);
  const xFinite = xs.filter(finite);
  const xTicks = niceTicks(Math.min(...xFinite), Math.max(...xFinite), 6, xFinite.every(Number.isInteger));
  const [ya, yb] = [yTicks[0], yTicks[yTicks.length - 1]];
  const [xa, xb] = [xTicks[0], xTicks[xTicks.length - 1]];
  const sx = (v: number) => x0 + ((v - xa) / (xb - xa)) * (x1 - x0);
  const sy = (v: number) => y1 - ((v - ya) / (yb - ya)) * (y1 - y0);

  for (const t of yTicks) {
    parts.push(
      `<line x1="${px(x0)}" y1="${px(sy(t))}" x2="${px(x1)}" y2="${px(sy(t))}" stroke="#e5e5e5"/>` +
        `<text x="${px(x0 - 6)}" y="${px(sy(t) + 4)}" text-anchor="end">${label(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    parts.push(
      `<line x1="${px(sx(t))}" y1="${px(y1)}" x2="${px(sx(t))}" y2="${px(y1 + 4)}" stroke="#333333"/>` +
        `<text x="${px(sx(t))}" y="${px(y1 + 17)}" text-anchor="middle">${label(t)}</text>`,
    );
  }
  parts.push(
    `<path d="M${px(x0)} ${px(y0)}V${px(y1)}H${px(x1)}" fill="none" stroke="#333333"/>`,
    spec.xLabel
      ? `<text class="x-label" x="${px((x0 + x1) / 2)}" y="${px(top + height - 6)}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`
      : '',
    spec.yLabel
      ? `<text class="y-label" transform="translate(${px(left + 14)} ${px((y0 + y1) / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`
      : '',
  );

  spec.series.forEach((s, i) => {
    const color = escapeXml(s.color ?? PALETTE[i % PALETTE.length]);
    const pts: [number, number][] = [];
    for (let k = 0; k < s.values.length; k++) {
      if (finite(s.values[k]) && finite(xs[k])) pts.push([sx(xs[k]), sy(s.values[k])]);
    }
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    parts.push(
      `<polyline class="series" data-series="${escapeXml(s.name)}" fill="none" stroke="${color}" stroke-width="2"${dash} ` +
        `points="${pts.map(([a, b]) => `${px(a)},${px(b)}`).join(' ')}"/>`,
    );
    // Markers make single epochs visible; dense curves (activation functions) do without.
    if (pts.length <= 40)
      for (const [a, b] of pts) parts.push(`<circle cx="${px(a)}" cy="${px(b)}" r="2.5" fill="${color}"/>`);
  });
  return `<g class="panel">${parts.join('')}</g>`;
}
