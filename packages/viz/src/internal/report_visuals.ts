// Chooses and draws the picture of each part of an ActivationReport; report_html.ts lays them out.
import { NeuriteError } from '@neurite/core';
import { barChartSvg } from '../bar_chart.js';
import { lineChartSvg } from '../charts.js';
import { featureMapGrid } from '../feature_maps.js';
import { type RgbaImage, upscaleImage } from '../image.js';
import type { LayerActivationValues, ReportOptions } from '../report.js';
import { vectorStrip } from '../vector_strip.js';
import { checkValues } from './check.js';

/** A layer's picture: always an image (what writeLayerPngs saves), plus an SVG chart for the last layer. */
export interface LayerVisual {
  image: RgbaImage;
  chart?: string;
  note: string;
}

/** [h, w] of an image given with axes of size 1 around it, or square when no shape is given. */
export function imageShape(what: string, values: Float32Array, shape?: readonly number[]): [number, number] {
  const side = Math.round(Math.sqrt(values?.length ?? 0));
  const full = shape ?? [side, side];
  checkValues(what, values, full);
  const dims = full.filter((d) => d !== 1);
  if (dims.length > 2) {
    throw new NeuriteError(
      `${what}: expected a single-channel image, shape [h, w] (or [1, h, w, 1]). Received: shape [${full.join(', ')}]. ` +
        'Pass one grey image, e.g. 784 values with shape [28, 28].',
    );
  }
  // Keep [1, w] and [h, 1] as rows or columns; a single value is a 1x1 image.
  const inner = full.length === 2 ? full : dims;
  return [inner[0] ?? 1, inner[1] ?? 1];
}

/** A grey picture of an input digit, scaled by its own min and max. */
export function digitImage(what: string, values: Float32Array, shape?: readonly number[], scale = 1): RgbaImage {
  const [h, w] = imageShape(what, values, shape);
  return upscaleImage(featureMapGrid(values, [h, w, 1], { colormap: 'grey' }), scale);
}

/** The picture of one layer's output; `last` marks the final layer (drawn as bars when it is a vector). */
export function layerVisual(
  layer: LayerActivationValues,
  index: number,
  last: boolean,
  options: ReportOptions = {},
  scale = 1,
): LayerVisual {
  const what = `report.layers[${index}] '${layer?.name}'`;
  if (!layer || typeof layer.name !== 'string' || !Array.isArray(layer.shape)) {
    throw new NeuriteError(
      `${what}: expected { name, className, shape, values }. Received: ${JSON.stringify(Object.keys(layer ?? {}))}. ` +
        'Build layers from model.activations(x): { name, className, shape, values: await output.data() }.',
    );
  }
  checkValues(what, layer.values, layer.shape);
  if (layer.shape.length < 2 || layer.shape[0] !== 1) {
    throw new NeuriteError(
      `${what}: expected the output shape with a batch axis of 1 first, e.g. [1, 26, 26, 8] or [1, 10]. ` +
        `Received: [${layer.shape.join(', ')}]. Run the model on one sample and pass the output's shape as it is.`,
    );
  }
  const rest = layer.shape.slice(1);
  const colormap = options.colormap ?? 'viridis';
  const normalize = options.normalize ?? 'channel';
  if (rest.length === 3 || rest.length === 2) {
    const [h, w, c = 1] = rest;
    const image = featureMapGrid(layer.values, [h, w, c], { colormap, normalize, scale });
    return { image, note: `${c} channel${c === 1 ? '' : 's'} of ${h} x ${w}, ${colormap}, scaled per ${normalize}` };
  }
  const n = layer.values.length;
  // Long vectors (a Flatten of 5,408) get smaller cells so that the strip stays about page-sized.
  const image = vectorStrip(layer.values, { colormap, cellSize: n > 1024 ? 4 : 8 });
  if (last && rest.length === 1) {
    const labels = options.labels?.length === n ? options.labels : undefined;
    return { image, chart: barChartSvg(layer.values, { labels }), note: `${n} outputs, the largest highlighted` };
  }
  return { image, note: `${n} values, ${colormap}, left to right in rows of up to 64` };
}

/**
 * One line chart per metric of a training history, with its validation twin dashed ('valLoss' or
 * 'val_loss' beside 'loss'). Epochs are shown 1-based, as fit() prints them.
 */
export function historyCharts(history: { epoch: number[]; history: Record<string, number[]> }): string[] {
  const h = history?.history;
  if (!h || typeof h !== 'object' || !Array.isArray(history.epoch)) {
    throw new NeuriteError(
      'report.history: expected what model.fit() returns, { epoch: number[], history: { loss: [...], ... } }. ' +
        `Received: ${JSON.stringify(Object.keys(history ?? {}))}. Pass the History object, or leave history out.`,
    );
  }
  const keys = Object.keys(h);
  const twin = (k: string) => [`val${k[0]?.toUpperCase()}${k.slice(1)}`, `val_${k}`].find((v) => v in h);
  const twins = new Set(keys.map(twin).filter((k) => k !== undefined));
  const x = history.epoch.map((e) => e + 1);
  return keys
    .filter((k) => !twins.has(k))
    .map((k) => {
      const v = twin(k);
      const series = [{ name: k, values: h[k] }, ...(v ? [{ name: v, values: h[v], dashed: true }] : [])];
      const longest = Math.max(...series.map((s) => s.values.length));
      return lineChartSvg({ series, x: x.length >= longest ? x : undefined, title: k, xLabel: 'epoch', yLabel: k });
    });
}
