import type { Colormap } from './colormaps.js';
import type { Normalize } from './normalize.js';
import type { ModelSummaryLike } from './summary_table.js';

/** One layer's output for the report: what `model.activations(x)` gives, with the tensor read to the host. */
export interface LayerActivationValues {
  name: string;
  className: string;
  /** The output shape with the batch axis first (which must be 1), e.g. [1, 26, 26, 8] or [1, 10]. */
  shape: number[];
  values: Float32Array;
  /** The nodes it reads (a graph's merge shows 'from a + b'); from `activations(x)`. Optional. */
  inputs?: string[];
}

/** How the report draws activations. */
export interface ReportOptions {
  /** The feature maps' and strips' colour map, default 'viridis'. */
  colormap?: Colormap;
  /** Feature-map scaling, default 'channel'. */
  normalize?: Normalize;
  /** Class names for the prediction and the final layer's bars; default '0', '1', ... (the digits). */
  labels?: string[];
}

/**
 * Everything the activation report shows, as plain numbers (no tensors), in the order it shows them. The
 * renderers live in `@neurite/viz/node` (`renderReportHtml`, `writeReport`, `writeLayerPngs`) and
 * `@neurite/viz/browser` (`renderReportElement`).
 *
 * Layers are drawn by the rank of their output without the batch axis: [h, w, c] as a feature-map grid,
 * [h, w] as one tile, [n] as a heat strip, except the last layer's [n], drawn as a bar chart (the
 * softmax); any other rank as a strip of its flattened values.
 *
 * @example
 * ```ts
 * import type { ActivationReport } from '@neurite/viz';
 * const report: ActivationReport = {
 *   title: 'What the CNN sees',
 *   summary: { name: 'cnn', rows: [], totalParams: 0, trainableParams: 0, nonTrainableParams: 0 },
 *   input: { values: new Float32Array(784), shape: [28, 28] },
 *   layers: [{ name: 'dense_1', className: 'Dense', shape: [1, 10], values: new Float32Array(10).fill(0.1) }],
 *   prediction: { digit: 0, probabilities: Array(10).fill(0.1) },
 * };
 * console.log(report.layers.length); // 1
 * ```
 */
export interface ActivationReport {
  /** Default 'Activation report'. */
  title?: string;
  /** `model.summary({ print: false })`. */
  summary: ModelSummaryLike;
  /** What `model.fit()` returns: curves for each metric, with its `val...` twin when present. */
  history?: { epoch: number[]; history: Record<string, number[]> };
  /** `matrix[true][predicted]` counts on a test set. */
  confusionMatrix?: number[][];
  /** The input image, shape [h, w] (axes of size 1 around it, as in [1, 28, 28, 1], are allowed). */
  input: { values: Float32Array; shape: number[] };
  /** Every layer's output for the input, in model order. */
  layers: LayerActivationValues[];
  /** A classifier's predicted class and the probabilities of all classes (left out for other models). */
  prediction?: { digit: number; probabilities: number[] };
  /** Test images the model got wrong; `shape` defaults to a square image. */
  misclassified?: { values: Float32Array; label: number; predicted: number; shape?: number[] }[];
  options?: ReportOptions;
}
