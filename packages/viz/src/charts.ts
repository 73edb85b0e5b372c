import { NeuriteError } from '@neurite/core';
import { linePanel, type Series } from './internal/plot.js';
import { svgOpen } from './internal/svg.js';

export type { Series as ChartSeries } from './internal/plot.js';

/** What lineChartSvg() draws. */
export interface LineChartOptions {
  /** The lines, e.g. [{ name: 'loss', values }, { name: 'valLoss', values, dashed: true }]. */
  series: Series[];
  /** The x of each point; default 1, 2, 3, ... (epochs). */
  x?: ArrayLike<number>;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Size in pixels, default 480 x 320. */
  width?: number;
  height?: number;
}

/**
 * A line chart as a self-contained SVG string: for loss and accuracy per epoch, train and validation.
 * Non-finite values are skipped. Each line is a `<polyline class="series" data-series="<name>">`.
 *
 * @example
 * ```ts
 * import { lineChartSvg } from '@neurite/viz';
 * const svg = lineChartSvg({
 *   series: [
 *     { name: 'loss', values: [0.9, 0.4, 0.25] },
 *     { name: 'valLoss', values: [0.7, 0.45, 0.3], dashed: true },
 *   ],
 *   title: 'Loss',
 *   xLabel: 'epoch',
 *   yLabel: 'cross-entropy',
 * });
 * console.log(svg.startsWith('<svg'), svg.match(/class="series"/g)?.length); // true 2
 * ```
 */
export function lineChartSvg(options: LineChartOptions): string {
  const series = options?.series;
  if (!Array.isArray(series) || series.length === 0 || series.some((s) => typeof s?.values?.length !== 'number')) {
    throw new NeuriteError(
      'lineChartSvg: expected { series: [{ name, values }, ...] } with at least one series. ' +
        `Received: series=${Array.isArray(series) ? `an array of ${series.length}` : String(series)}. ` +
        "Pass e.g. { series: [{ name: 'loss', values: history.history.loss }] }.",
    );
  }
  const longest = Math.max(...series.map((s) => s.values.length));
  if (options.x && options.x.length < longest) {
    throw new NeuriteError(
      `lineChartSvg: x has ${options.x.length} values but the longest series has ${longest}. ` +
        'Give one x per point, or leave x out for 1, 2, 3, ...',
    );
  }
  const width = options.width ?? 480;
  const height = options.height ?? 320;
  return `${svgOpen(width, height, 'line-chart')}${linePanel({ ...options, series }, 0, 0, width, height)}</svg>`;
}

/** The x grid of activationFunctionsSvg(): [-4, 4] in steps of 0.05. */
const grid = Array.from({ length: 161 }, (_, i) => -4 + i * 0.05);

/**
 * The course's activation functions and their derivatives on [-4, 4], in plain arithmetic:
 * sigmoid s(x) = 1 / (1 + e^-x), s' = s (1 - s); tanh, tanh' = 1 - tanh^2; relu max(0, x), relu' = 1 for
 * x > 0 else 0; leaky relu x for x > 0 else alpha x, derivative 1 or alpha. Two panels, one SVG string.
 *
 * @example
 * ```ts
 * import { activationFunctionsSvg } from '@neurite/viz';
 * const svg = activationFunctionsSvg();
 * console.log(svg.match(/class="series"/g)?.length); // 8
 * ```
 */
export function activationFunctionsSvg(options: { alpha?: number; width?: number; height?: number } = {}): string {
  const alpha = options.alpha ?? 0.2;
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const fns: [string, (x: number) => number, (x: number) => number][] = [
    ['sigmoid', sigmoid, (x) => sigmoid(x) * (1 - sigmoid(x))],
    ['tanh', Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
    ['relu', (x) => Math.max(0, x), (x) => (x > 0 ? 1 : 0)],
    [`leakyRelu (alpha ${alpha})`, (x) => (x > 0 ? x : alpha * x), (x) => (x > 0 ? 1 : alpha)],
  ];
  const width = options.width ?? 880;
  const height = options.height ?? 340;
  const half = width / 2;
  const panel = (title: string, yLabel: string, k: 1 | 2, left: number) =>
    linePanel(
      { series: fns.map((f) => ({ name: f[0], values: grid.map(f[k]) })), x: grid, title, xLabel: 'x', yLabel },
      left,
      0,
      half,
      height,
    );
  return `${svgOpen(width, height, 'activation-functions')}${panel('Activation functions', 'f(x)', 1, 0)}${panel('Derivatives', "f'(x)", 2, half)}</svg>`;
}
