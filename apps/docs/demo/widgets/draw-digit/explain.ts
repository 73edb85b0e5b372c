// The detail view's numbers for one picked unit: the layer's settings and weights read from the model,
// its input read from the layer before (the real activations), the arithmetic done by unit.ts, and the
// panel drawn by detail.ts.
import { tensor1d } from '@neurite/core';
import { type ActivationName, getActivation } from '@neurite/layers';
import type { ModelNode } from '@neurite/model';
import { renderConv, renderPool } from './detail.js';
import type { LayerView } from './layers.js';
import type { Unit } from './maps.js';
import { at, convUnit, pair, poolUnit, type Tap } from './unit.js';

/** A picked unit; for a conv layer, the input channel shown (default: the one adding the most). */
export interface Selection extends Unit {
  layer: string;
  inputChannel?: number;
}

/** The layer's activation applied to one number, with the library's own function. */
async function activate(name: string, z: number): Promise<number> {
  const x = tensor1d([z]);
  const y = getActivation(name as ActivationName)(x);
  const [v] = await y.data();
  x.dispose();
  y.dispose();
  return v;
}

/**
 * Draws the panel for unit `s` of `view` (a conv or pooling layer) reading `source`, and returns the
 * taps it read and the input channel shown; undefined if `stale()` turned true meanwhile.
 */
export async function explain(
  panel: HTMLElement,
  node: ModelNode,
  view: LayerView & { volume: NonNullable<LayerView['volume']> },
  source: LayerView & { volume: NonNullable<LayerView['volume']> },
  s: Selection,
  stale: () => boolean,
): Promise<{ taps: Tap[]; inputChannel: number } | undefined> {
  const config = node.layer.getConfig() as unknown as Record<string, unknown>;
  const out = view.volume;
  const output = at(out, s.y, s.x, s.channel);
  const padding: 'same' | 'valid' = config.padding === 'same' ? 'same' : 'valid';
  // The model's input is not a layer: name it as a reader sees it.
  const from = source.className === 'Input' ? 'the input image' : source.name;
  const names = { layer: view.name, className: view.className, source: from, unit: s, output };
  if (view.className !== 'Conv2D') {
    const poolSize = pair(config.poolSize, 2);
    const strides = pair(config.strides ?? config.poolSize, 2);
    const kind = view.className === 'MaxPooling2D' ? 'max' : 'average';
    const r = poolUnit(source.volume, out, kind, { size: poolSize, strides, dilation: [1, 1], padding }, s);
    renderPool(panel, { ...names, kind, poolSize, r });
    return { taps: r.taps, inputChannel: s.channel };
  }
  const weights = await node.layer.getWeightValues();
  const kernel = weights.find((w) => w.path.endsWith('/kernel'));
  const bias = weights.find((w) => w.path.endsWith('/bias'));
  if (!kernel) return undefined;
  const kernelSize: [number, number] = [kernel.shape[0], kernel.shape[1]];
  const settings = {
    size: kernelSize,
    strides: pair(config.strides, 1),
    dilation: pair(config.dilationRate, 1),
    padding,
  };
  const r = convUnit(source.volume, out, kernel, bias?.values, settings, s);
  const strongest = r.channelSums.reduce((best, v, i, a) => (Math.abs(v) > Math.abs(a[best]) ? i : best), 0);
  const inputChannel =
    s.inputChannel !== undefined && s.inputChannel < r.channelSums.length ? s.inputChannel : strongest;
  const activation = String(config.activation ?? 'linear');
  const value = await activate(activation, r.z);
  if (stale()) return undefined;
  renderConv(panel, { ...names, activation, kernelSize, r, inputChannel, value });
  return { taps: r.taps, inputChannel };
}
