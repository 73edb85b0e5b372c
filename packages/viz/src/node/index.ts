// @neurite/viz/node: PNG files, data: URIs and the self-contained HTML activation report (pngjs, node:fs).

export type { RgbaImage } from '../image.js';
export type { ActivationReport, LayerActivationValues, ReportOptions } from '../report.js';
export { encodePng, pngDataUri, writePng } from './png.js';
export { renderReportHtml, writeLayerPngs, writeReport } from './report.js';
