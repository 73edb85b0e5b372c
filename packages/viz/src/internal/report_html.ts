// Lays an ActivationReport out as HTML. Images become data: URIs through the adapter's encoder (pngjs in
// Node, a canvas in browsers), so the page needs no other file and no network.
import { NeuriteError } from '@neurite/core';
import { barChartSvg } from '../bar_chart.js';
import { confusionMatrixSvg } from '../confusion_matrix.js';
import type { RgbaImage } from '../image.js';
import type { ActivationReport } from '../report.js';
import { summaryTableHtml } from '../summary_table.js';
import { digitImage, historyCharts, layerVisual } from './report_visuals.js';
import { escapeXml } from './svg.js';

/** Scoped to .neurite-report so that a fragment can sit in any page. */
export const REPORT_CSS = `
.neurite-report { font-family: sans-serif; color: #222; max-width: 1100px; margin: 0 auto; padding: 16px; }
.neurite-report h1 { font-size: 24px; } .neurite-report h2 { font-size: 18px; border-bottom: 1px solid #ddd; }
.neurite-report h3 { font-size: 15px; margin: 4px 0; }
.neurite-report .summary { border-collapse: collapse; font-size: 13px; }
.neurite-report .summary td, .neurite-report .summary th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
.neurite-report .summary .num { text-align: right; font-variant-numeric: tabular-nums; }
.neurite-report .charts, .neurite-report .gallery { display: flex; flex-wrap: wrap; gap: 12px; }
.neurite-report .layer { margin: 12px 0; padding: 8px; border: 1px solid #eee; border-radius: 4px; }
.neurite-report .layer .class { color: #555; font-weight: normal; }
.neurite-report .note { color: #666; font-size: 12px; margin: 4px 0; }
.neurite-report img.pixels { image-rendering: pixelated; image-rendering: crisp-edges; }
.neurite-report figure { margin: 0; text-align: center; font-size: 12px; }
`;

/** Shows small images larger on screen (CSS keeps the pixels crisp): up to 8x, or about `target` pixels. */
function img(image: RgbaImage, dataUri: (image: RgbaImage) => string, alt: string, target = 320): string {
  const k = Math.min(8, Math.max(1, Math.floor(target / Math.max(image.width, image.height))));
  return (
    `<img class="pixels" src="${escapeXml(dataUri(image))}" width="${image.width * k}" ` +
    `height="${image.height * k}" alt="${escapeXml(alt)}">`
  );
}

/** The report's body: sections in the documented order, inside `<div class="neurite-report">`. */
export function renderReportBody(report: ActivationReport, dataUri: (image: RgbaImage) => string): string {
  if (!report || typeof report !== 'object' || !Array.isArray(report.layers) || !report.input) {
    throw new NeuriteError(
      'renderReport: expected an ActivationReport { summary, input, layers, ... }. ' +
        `Received: ${report === null ? 'null' : JSON.stringify(Object.keys(report ?? {}))}. ` +
        'See the ActivationReport type in @neurite/viz for every field.',
    );
  }
  const options = report.options ?? {};
  const labels = options.labels;
  const name = (k: number) => escapeXml(labels?.[k] ?? String(k));
  const out: string[] = [`<h1>${escapeXml(report.title ?? 'Activation report')}</h1>`];
  out.push(`<section class="model-summary"><h2>Model</h2>${summaryTableHtml(report.summary)}</section>`);
  if (report.history) {
    out.push(
      `<section class="training"><h2>Training</h2><div class="charts">${historyCharts(report.history).join('')}</div></section>`,
    );
  }
  if (report.confusionMatrix) {
    const cm = confusionMatrixSvg(report.confusionMatrix, {
      labels: labels?.length === report.confusionMatrix.length ? labels : undefined,
    });
    out.push(`<section class="confusion"><h2>Confusion matrix</h2>${cm}</section>`);
  }
  const { values, shape } = report.input;
  out.push(
    `<section class="input"><h2>Input</h2>${img(digitImage('report.input', values, shape), dataUri, 'input image', 224)}</section>`,
  );

  out.push('<section class="activations"><h2>Activations</h2>');
  report.layers.forEach((layer, i) => {
    const v = layerVisual(layer, i, i === report.layers.length - 1, options);
    out.push(
      `<section class="layer" data-layer="${escapeXml(layer.name)}"><h3>${escapeXml(layer.name)} ` +
        `<span class="class">${escapeXml(layer.className)}</span> <code>[${layer.shape.join(', ')}]</code>` +
        (Array.isArray(layer.inputs) && layer.inputs.length > 0
          ? ` <span class="from">from ${layer.inputs.map((n) => escapeXml(String(n))).join(' + ')}</span>`
          : '') +
        '</h3>' +
        `${v.chart ?? img(v.image, dataUri, `${layer.name} output`, 480)}<p class="note">${escapeXml(v.note)}</p></section>`,
    );
  });
  out.push('</section>');

  if (report.prediction) out.push(predictionSection(report.prediction, name, labels));
  if (report.misclassified) {
    const figures = report.misclassified.map((m, i) => {
      const image = digitImage(`report.misclassified[${i}]`, m.values, m.shape);
      return `<figure class="miss">${img(image, dataUri, `true ${m.label}, predicted ${m.predicted}`, 84)}<figcaption>true ${name(m.label)}, predicted ${name(m.predicted)}</figcaption></figure>`;
    });
    out.push(
      `<section class="misclassified"><h2>Misclassified (${figures.length})</h2><div class="gallery">${figures.join('')}</div></section>`,
    );
  }
  return `<div class="neurite-report">${out.join('\n')}</div>`;
}

// The prediction of a classifier: the class, its probability, and the bars of every class.
function predictionSection(
  prediction: NonNullable<ActivationReport['prediction']>,
  name: (k: number) => string,
  labels: string[] | undefined,
): string {
  const { digit, probabilities } = prediction;
  if (!Number.isInteger(digit) || !Array.isArray(probabilities) || digit < 0 || digit >= probabilities.length) {
    throw new NeuriteError(
      `report.prediction: expected { digit, probabilities } with digit an index into probabilities. ` +
        `Received: digit=${digit}, ${Array.isArray(probabilities) ? probabilities.length : 'no'} probabilities. Pass argmax and the softmax output.`,
    );
  }
  const p = probabilities[digit];
  return (
    `<section class="prediction"><h2>Prediction</h2><p class="digit">Predicted <strong>${name(digit)}</strong> ` +
    `with probability ${Number.isFinite(p) ? p.toFixed(4) : String(p)}</p>` +
    `${barChartSvg(probabilities, { labels: labels?.length === probabilities.length ? labels : undefined, title: 'Probabilities' })}</section>`
  );
}

/** A complete, self-contained HTML page. */
export function renderReportPage(report: ActivationReport, dataUri: (image: RgbaImage) => string): string {
  const body = renderReportBody(report, dataUri);
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeXml(report.title ?? 'Activation report')}</title><style>${REPORT_CSS}</style></head>\n` +
    `<body>${body}</body></html>\n`
  );
}
