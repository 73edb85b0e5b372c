import { join } from 'node:path';
import { NeuriteError } from '@neurite/core';
import type { RgbaImage } from '../image.js';
import { renderReportPage } from '../internal/report_html.js';
import { digitImage, layerVisual } from '../internal/report_visuals.js';
import type { ActivationReport } from '../report.js';
import { writeFileAtomic } from './atomic.js';
import { pngDataUri, writePng } from './png.js';

/**
 * The activation report as ONE self-contained HTML page: inline CSS, images as data: URIs, charts as
 * inline SVG, no script and no URL, so it opens from disk anywhere. Sections, in order: title, model
 * summary, training curves (if `history`), confusion matrix (if given), the input, one
 * `<section class="layer" data-layer="<name>">` per layer in model order, the prediction, and the
 * misclassified gallery (if given).
 *
 * @example
 * ```ts
 * import { renderReportHtml } from '@neurite/viz/node';
 * const html = renderReportHtml({
 *   summary: { name: 'tiny', rows: [], totalParams: 0, trainableParams: 0, nonTrainableParams: 0 },
 *   input: { values: new Float32Array(16).map((_, i) => i / 15), shape: [4, 4] },
 *   layers: [
 *     { name: 'conv', className: 'Conv2D', shape: [1, 4, 4, 2], values: new Float32Array(32).map(Math.sin) },
 *     { name: 'out', className: 'Dense', shape: [1, 3], values: new Float32Array([0.1, 0.7, 0.2]) },
 *   ],
 *   prediction: { digit: 1, probabilities: [0.1, 0.7, 0.2] },
 * });
 * console.log(html.match(/class="layer"/g)?.length); // 2
 * ```
 */
export function renderReportHtml(report: ActivationReport): string {
  return renderReportPage(report, pngDataUri);
}

/**
 * Renders the activation report (see renderReportHtml) and writes it to `path` atomically.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { writeReport } from '@neurite/viz/node';
 * const path = join(tmpdir(), 'neurite-viz-example', 'report.html');
 * await writeReport(path, {
 *   title: 'Tiny report',
 *   summary: { name: 'tiny', rows: [], totalParams: 0, trainableParams: 0, nonTrainableParams: 0 },
 *   input: { values: new Float32Array(16), shape: [4, 4] },
 *   layers: [{ name: 'out', className: 'Dense', shape: [1, 3], values: new Float32Array([0.1, 0.7, 0.2]) }],
 *   prediction: { digit: 1, probabilities: [0.1, 0.7, 0.2] },
 *   history: { epoch: [0, 1], history: { loss: [0.9, 0.5], valLoss: [0.8, 0.6] } },
 * });
 * console.log(path);
 * ```
 */
export async function writeReport(path: string, report: ActivationReport): Promise<void> {
  await writeFileAtomic(path, renderReportHtml(report));
}

/** A layer name as a file name: letters, digits, '.', '_' and '-' kept, anything else '_'. */
// Safe characters only, and short: a file name has at most 255 bytes, and a layer name has no limit.
const fileName = (name: string) =>
  String(name)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 100);

/**
 * Writes the report's pictures as PNG files in `dir`: `input.png`, then one `NN-<layer name>.png` per
 * layer (NN = 01, 02, ... in model order; feature maps as grids, vectors as strips), `scale` pixels per
 * value (default 4). Returns the paths written, input first.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { writeLayerPngs } from '@neurite/viz/node';
 * const paths = await writeLayerPngs(join(tmpdir(), 'neurite-viz-example', 'layers'), {
 *   summary: { name: 'tiny', rows: [], totalParams: 0, trainableParams: 0, nonTrainableParams: 0 },
 *   input: { values: new Float32Array(16), shape: [4, 4] },
 *   layers: [{ name: 'conv', className: 'Conv2D', shape: [1, 4, 4, 2], values: new Float32Array(32) }],
 *   prediction: { digit: 0, probabilities: [1] },
 * });
 * console.log(paths.map((p) => p.split(/[\\/]/).pop())); // ['input.png', '01-conv.png']
 * ```
 */
export async function writeLayerPngs(
  dir: string,
  report: ActivationReport,
  options: { scale?: number } = {},
): Promise<string[]> {
  if (!report || !Array.isArray(report.layers) || !report.input) {
    throw new NeuriteError(
      'writeLayerPngs: expected an ActivationReport with input and layers. ' +
        `Received: ${report === null ? 'null' : JSON.stringify(Object.keys(report ?? {}))}. See the ActivationReport type.`,
    );
  }
  const scale = options.scale ?? 4;
  const width = Math.max(2, String(report.layers.length).length);
  // Everything is drawn (and checked) before the first file is written.
  const files: [string, RgbaImage][] = [
    ['input.png', digitImage('report.input', report.input.values, report.input.shape, scale)],
    ...report.layers.map((l, i): [string, RgbaImage] => [
      `${String(i + 1).padStart(width, '0')}-${fileName(l.name)}.png`,
      layerVisual(l, i, i === report.layers.length - 1, report.options, scale).image,
    ]),
  ];
  const paths: string[] = [];
  for (const [name, image] of files) {
    const path = join(dir, name);
    await writePng(path, image);
    paths.push(path);
  }
  return paths;
}
