// @neurite/viz: pure rendering of what a network sees. Inputs are plain numbers (Float32Array + shape),
// outputs are RGBA images and SVG/HTML strings; no DOM, tensors or native code. PNG files and the HTML
// report live in '@neurite/viz/node', canvas drawing in '@neurite/viz/browser'.
export { type BarChartOptions, barChartSvg } from './bar_chart.js';
export { activationFunctionsSvg, type ChartSeries, type LineChartOptions, lineChartSvg } from './charts.js';
export { type Colormap, colorize } from './colormaps.js';
export { confusionMatrixSvg } from './confusion_matrix.js';
export { type FeatureMapOptions, featureMapGrid } from './feature_maps.js';
export { createImage, type Rgba, type RgbaImage, upscaleImage } from './image.js';
export { type KernelGridOptions, kernelGrid } from './kernels.js';
export { type TileLayout, tileLayout } from './layout.js';
export { type Normalize, normalizeValues } from './normalize.js';
export type { ActivationReport, LayerActivationValues, ReportOptions } from './report.js';
export { type ModelSummaryLike, summaryTableHtml } from './summary_table.js';
export { type VectorStripOptions, vectorStrip } from './vector_strip.js';
