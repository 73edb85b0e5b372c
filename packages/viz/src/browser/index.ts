// @neurite/viz/browser: draw images on a canvas and render the activation report into a page.
import { NeuriteError } from '@neurite/core';
import { checkImage, type RgbaImage, upscaleImage } from '../image.js';
import { base64, encodePngStored } from '../internal/png_stored.js';
import { REPORT_CSS, renderReportBody } from '../internal/report_html.js';
import type { ActivationReport } from '../report.js';

export type { RgbaImage } from '../image.js';
export type { ActivationReport, LayerActivationValues, ReportOptions } from '../report.js';

/**
 * Draws an image on a canvas with putImageData, each pixel as a `scale x scale` block; the canvas is
 * resized to fit. Works on an `HTMLCanvasElement` or an `OffscreenCanvas` (also in workers).
 *
 * @example
 * ```ts
 * import { featureMapGrid } from '@neurite/viz';
 * import { drawImage } from '@neurite/viz/browser';
 * const image = featureMapGrid(new Float32Array(16).map((_, i) => i), [2, 2, 4]);
 * // In a page or a worker; Node has no canvas.
 * if (typeof OffscreenCanvas !== 'undefined') drawImage(new OffscreenCanvas(1, 1), image, 4);
 * ```
 */
export function drawImage(canvas: HTMLCanvasElement | OffscreenCanvas, image: RgbaImage, scale = 1): void {
  checkImage(image, 'drawImage');
  const big = upscaleImage(image, scale);
  canvas.width = big.width;
  canvas.height = big.height;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) {
    throw new NeuriteError(
      'drawImage: the canvas gave no 2d context. Expected a canvas without a webgl/webgpu context. ' +
        'Received: getContext("2d") === null. Draw on a fresh canvas.',
    );
  }
  // upscaleImage returns a fresh ArrayBuffer-backed copy, which ImageData requires.
  const data = big.data as Uint8ClampedArray<ArrayBuffer>;
  ctx.putImageData(new ImageData(data, big.width, big.height), 0, 0);
}

/** PNG data URI through a DOM canvas (compressed) when there is one, else the plain-JS encoder. */
function dataUri(image: RgbaImage): string {
  if (typeof document !== 'undefined' && typeof document.createElement === 'function') {
    const canvas = document.createElement('canvas');
    drawImage(canvas, image);
    return canvas.toDataURL('image/png');
  }
  return `data:image/png;base64,${base64(encodePngStored(image))}`;
}

/**
 * The activation report as an HTML fragment for `element.innerHTML`: a `<div class="neurite-report">`
 * with its own scoped `<style>`, the same sections as the Node adapter's page (see renderReportHtml in
 * `@neurite/viz/node`), images as data: URIs.
 *
 * @example
 * ```ts
 * import { renderReportElement } from '@neurite/viz/browser';
 * const html = renderReportElement({
 *   summary: { name: 'tiny', rows: [], totalParams: 0, trainableParams: 0, nonTrainableParams: 0 },
 *   input: { values: new Float32Array(16), shape: [4, 4] },
 *   layers: [{ name: 'out', className: 'Dense', shape: [1, 3], values: new Float32Array([0.1, 0.7, 0.2]) }],
 *   prediction: { digit: 1, probabilities: [0.1, 0.7, 0.2] },
 * });
 * console.log(html.startsWith('<div class="neurite-report">')); // true
 * // in a page: document.querySelector('#report').innerHTML = html;
 * ```
 */
export function renderReportElement(report: ActivationReport): string {
  const body = renderReportBody(report, dataUri);
  return body.replace('<div class="neurite-report">', `<div class="neurite-report"><style>${REPORT_CSS}</style>`);
}
