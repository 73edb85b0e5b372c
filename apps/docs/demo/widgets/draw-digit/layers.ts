// Every layer's output for the drawn digit, one section each (heading, map, readout), in model order.
// Hovering reads the value under the pointer; clicking a conv or pooling map picks that unit.
import { drawMaps, drawStrip, type Geometry, type Unit, unitAt } from './maps.js';
import { at, type Volume } from './unit.js';

/** The layers whose units the detail view explains. */
export const DETAILED = new Set(['Conv2D', 'MaxPooling2D', 'AveragePooling2D']);

/** One layer's output for one image, as model.activations() gives it (read into numbers). */
export interface LayerOutput {
  name: string;
  className: string;
  inputs: string[];
  shape: number[];
  values: Float32Array;
}

/** A layer's output and where it is drawn. */
export interface LayerView extends LayerOutput {
  volume?: Volume;
  geometry?: Geometry;
  section: HTMLElement;
  /** The box around the picked unit, and the dashed one around the patch it read. */
  unitMark: HTMLElement;
  patchMark: HTMLElement;
}

/**
 * Replaces `box`'s content with one section per layer; the first is the model's input. Returns the
 * views by layer name; `onPick(layer, unit)` runs when a unit of a conv or pooling map is clicked.
 */
export function drawLayers(
  box: HTMLElement,
  layers: LayerOutput[],
  onPick: (layer: string, unit: Unit) => void,
): Map<string, LayerView> {
  box.replaceChildren();
  const views = new Map<string, LayerView>();
  layers.forEach((l, i) => {
    const section = document.createElement('section');
    section.className = 'layer';
    if (i === 0) section.dataset.input = l.name;
    else section.dataset.layer = l.name;
    const heading = document.createElement('h4');
    heading.textContent = `${i === 0 ? 'input' : l.name} (${l.className}) [${l.shape.slice(1).join(', ')}]`;
    const frame = document.createElement('div');
    frame.className = 'frame';
    const canvas = document.createElement('canvas');
    const [unitMark, patchMark] = ['mark', 'mark patch'].map((c) => {
      const m = document.createElement('div');
      m.className = c;
      m.hidden = true;
      return m;
    });
    frame.append(canvas, patchMark, unitMark);
    const readout = document.createElement('p');
    readout.className = 'readout';
    section.append(heading, frame, readout);
    box.append(section);
    const view: LayerView = { ...l, section, unitMark, patchMark };
    if (l.shape.length === 4) {
      const [, h, w, c] = l.shape;
      view.volume = { values: l.values, h, w, c };
      view.geometry = drawMaps(canvas, view.volume);
    } else if (l.shape.length === 2) {
      view.geometry = drawStrip(canvas, l.values);
    }
    views.set(l.name, view);
    const clickable = DETAILED.has(l.className) && view.volume !== undefined;
    readout.textContent = clickable ? 'Click a unit to see how it is computed.' : '';
    canvas.addEventListener('pointermove', (e) => {
      const u = view.geometry && unitAt(view.geometry, canvas, e);
      if (!u) return;
      const v = view.volume ? at(view.volume, u.y, u.x, u.channel) : l.values[u.channel];
      readout.textContent = view.volume
        ? `channel ${u.channel}, row ${u.y}, column ${u.x}: ${v.toFixed(4)}`
        : `unit ${u.channel}: ${v.toFixed(4)}`;
    });
    if (clickable) {
      canvas.classList.add('clickable');
      canvas.addEventListener('click', (e) => {
        const u = view.geometry && unitAt(view.geometry, canvas, e);
        if (u) onPick(l.name, u);
      });
    }
  });
  return views;
}
