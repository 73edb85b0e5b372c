// <neurite-draw-digit>: draw a digit, see what the model predicts and what every layer outputs, and
// click a unit of a conv or pooling map to see the arithmetic that made its value (the detail view).
// Runs on the page's backend (backend.ts); a backend switch predicts again.
//
// Public API:
//   src="<folder URL>"     the model folder to load (a folder written by model.save), on this site;
//                          default /demo/model/. Changing the attribute loads the new folder.
//   el.setModel(model, label?)   shows a @neurite/model model that is already in memory (one the page
//                          has just trained, say) instead, and predicts again; resolves when the
//                          prediction is drawn, rejects (and says why on the widget) if the model does
//                          not take [28, 28, 1] images to 10 classes. The widget never disposes it.
//   DrawDigit.loadModel(url)     (customElements.get('neurite-draw-digit').loadModel) @neurite/model's
//                          loadModel from this same bundle, for a caller without its own copy.
// For tests and scripts: data-state (loading, ready, predicting, done, failed), and once done
// data-digit, data-backend and data-model; the detail panel (.unit) carries its numbers as data-*.
import { tensor4d } from '@neurite/core';
import { deskewImage, prepareDigit } from '@neurite/datasets';
import { applyTemperature, loadModel, MAX_TEMPERATURE, MIN_TEMPERATURE, type Model } from '@neurite/model';
import { barChartSvg } from '@neurite/viz';
import { BACKENDS, ready, start } from './backend.js';
import { explain, type Selection } from './draw-digit/explain.js';
import { DETAILED, drawLayers, type LayerOutput, type LayerView } from './draw-digit/layers.js';
import { mark, type Unit } from './draw-digit/maps.js';
import { DrawingPad } from './draw-digit/pad.js';

const DEFAULT_SRC = '/demo/model/';

/**
 * What neurite-mnist's train saved with a model (model.json metadata['neurite-mnist']): the temperature
 * that calibrates its probabilities (1 without one, or when the value is not a sane number) and whether it
 * was trained on deskewed digits, so the page reads a drawing as `neurite-mnist predict` does.
 */
function readingOf(model: Model): { temperature: number; deskew: boolean } {
  const meta = model.metadata['neurite-mnist'] as
    | { calibration?: { temperature?: unknown }; settings?: { deskew?: unknown } }
    | undefined;
  const t = meta && typeof meta === 'object' ? meta.calibration?.temperature : undefined;
  const sane = typeof t === 'number' && t >= MIN_TEMPERATURE && t <= MAX_TEMPERATURE;
  return { temperature: sane ? t : 1, deskew: meta?.settings?.deskew === true };
}

let appliedFor: string | undefined; // the page address whose ?backend= was started

/** ?backend=cpu|wasm|webgpu starts that backend, once per page address; anything else is refused. */
function backendFromAddress(): string | undefined {
  const asked = new URLSearchParams(location.search).get('backend');
  if (asked === null || appliedFor === location.href) return undefined;
  appliedFor = location.href;
  if ((BACKENDS as readonly string[]).includes(asked)) {
    void start(asked);
    return undefined;
  }
  return (
    `Unknown backend in the address. Expected ?backend= one of: ${BACKENDS.join(', ')}. ` +
    `Received: ?backend=${asked.slice(0, 40)}. Pick one with the buttons, or fix the link.`
  );
}

/** Why `model` cannot be shown here, or undefined when it takes 28 x 28 x 1 images to 10 classes. */
function problemWith(model: Model): string | undefined {
  let input: unknown;
  let output: unknown;
  try {
    input = model.inputs.map((t) => t.shape);
    output = model.outputShape;
  } catch (e) {
    input = `unknown (${(e as Error).message})`;
  }
  const ok = JSON.stringify(input) === '[[null,28,28,1]]' && JSON.stringify(output) === '[null,10]';
  if (ok) return undefined;
  return (
    'This model cannot read a drawn digit. Expected one input [null, 28, 28, 1] and an output [null, 10]. ' +
    `Received: inputs ${JSON.stringify(input)}, output ${JSON.stringify(output)}. Use a model trained on MNIST.`
  );
}

export class DrawDigit extends HTMLElement {
  static observedAttributes = ['src'];

  /** Loads a model folder (a URL on this site) with the same @neurite/model as the widget. */
  static loadModel(url: string): Promise<Model> {
    return loadModel(new URL(url, location.href).href);
  }

  private model: Model | undefined;
  private owned = false; // loaded from src, so the widget disposes it when it is replaced
  private loads = 0; // the latest load wins
  private loading = false;
  private readonly pad = new DrawingPad(() => void this.predict());
  private readonly panel = document.createElement('div');
  private views = new Map<string, LayerView>();
  private selected: Selection | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private predictions = 0;
  private details = 0; // the latest detail() wins
  private readonly onBackend = () => {
    if (this.model) void this.predict();
    else if (!this.loading) void this.load();
  };

  private $<T extends HTMLElement>(sel: string): T {
    return this.querySelector(sel) as T;
  }

  connectedCallback(): void {
    window.addEventListener('neurite-backend', this.onBackend);
    if (this.childElementCount === 0) this.build(backendFromAddress());
    if (!this.model && !this.loading) void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener('neurite-backend', this.onBackend);
    // Left the page (not just moved): free the weights once no prediction uses them.
    queueMicrotask(() => {
      if (this.isConnected) return;
      const [model, owned] = [this.model, this.owned];
      this.model = undefined;
      this.loads++; // a load in flight disposes what it loads
      this.loading = false;
      if (model && owned) void this.idle().then(() => model.dispose());
    });
  }

  attributeChangedCallback(_name: string, old: string | null, value: string | null): void {
    if (this.isConnected && this.childElementCount > 0 && old !== value) void this.load();
  }

  /** Shows `model` instead of the one from src and predicts again (see the API at the top of this file). */
  async setModel(model: Model, label?: string): Promise<void> {
    const problem = problemWith(model);
    if (problem) {
      this.fail(problem);
      throw new Error(`setModel: ${problem}`);
    }
    this.loads++; // a load from src still in flight must not replace it
    this.use(model, false, String(label ?? model.name).slice(0, 200));
    await this.predict();
  }

  private build(note: string | undefined): void {
    this.classList.add('neurite-draw-digit');
    this.innerHTML = `
      <neurite-backend-switcher></neurite-backend-switcher>
      <p class="note" hidden></p>
      <p class="error" role="alert" hidden></p>
      <div class="top">
        <div class="drawing">
          <div class="buttons">
            <button type="button" name="predict">Predict</button>
            <button type="button" name="clear">Clear</button>
          </div>
        </div>
        <div class="result">
          <p class="model">Loading the model...</p>
          <p class="prediction" aria-live="polite">Draw a digit in the box.</p>
          <div class="bars"></div>
        </div>
      </div>
      <div class="layers"></div>`;
    this.$('.drawing').prepend(this.pad.canvas);
    this.panel.className = 'unit';
    this.panel.hidden = true;
    this.panel.addEventListener('change', (e) => {
      const select = e.target as HTMLSelectElement;
      if (select.name === 'input-channel') this.pickInputChannel(Number(select.value));
    });
    this.panel.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLElement>('button[data-input-channel]');
      if (b) this.pickInputChannel(Number(b.dataset.inputChannel));
    });
    this.$('button[name=predict]').addEventListener('click', () => void this.predict());
    this.$('button[name=clear]').addEventListener('click', () => {
      this.pad.clear();
      void this.predict();
    });
    if (note) this.show(note);
  }

  private show(note: string): void {
    const p = this.$('.note');
    p.textContent = note;
    p.hidden = false;
  }

  /** Says what failed on the widget (until the next success). */
  private fail(message: string): void {
    const p = this.$('.error');
    p.textContent = message;
    p.hidden = false;
    this.dataset.state = 'failed';
  }

  /** After a failed load: the model line says what is shown now. */
  private stillShowing(): void {
    this.$('.model').textContent = this.model
      ? 'The model shown is still the one loaded before.'
      : 'No model is loaded.';
  }

  /** Resolves once no prediction runs. */
  private async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  private async load(): Promise<void> {
    const token = ++this.loads;
    const src = this.getAttribute('src') ?? DEFAULT_SRC;
    let url: URL | undefined;
    try {
      url = new URL(src, location.href);
    } catch {}
    if (!url || url.origin !== location.origin || !/^https?:$/.test(url.protocol)) {
      this.fail(
        `Cannot load the model: src must be a model folder on this site. Expected e.g. src="${DEFAULT_SRC}". ` +
          `Received: src="${src.slice(0, 200)}".`,
      );
      return;
    }
    // A folder: its files are found by name inside it, so a query or a fragment has no place.
    url.search = '';
    url.hash = '';
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.loading = true;
    this.dataset.state = 'loading';
    this.$('.model').textContent = `Loading the model from ${url.pathname}...`;
    try {
      await ready();
      const model = await loadModel(url.href);
      if (token !== this.loads) {
        model.dispose();
        return;
      }
      const problem = problemWith(model);
      if (problem) {
        model.dispose();
        this.fail(`${url.pathname}: ${problem}`);
        this.stillShowing();
        return;
      }
      this.use(model, true, model.name);
      await this.predict();
    } catch (e) {
      if (token === this.loads) {
        this.fail(`Cannot load the model from ${url.pathname}: ${(e as Error).message}`);
        this.stillShowing();
      }
    } finally {
      if (token === this.loads) this.loading = false;
    }
  }

  private use(model: Model, owned: boolean, label: string): void {
    const [old, oldOwned] = [this.model, this.owned];
    if (old && oldOwned && old !== model) void this.idle().then(() => old.dispose());
    this.model = model;
    this.owned = owned;
    this.loading = false;
    const params = model.weights.reduce((n, w) => n + w.variable.size, 0);
    this.dataset.model = label;
    this.$('.model').textContent = `Model: ${label}, ${params.toLocaleString('en-US')} parameters.`;
    this.$('.error').hidden = true;
    this.dataset.state = 'ready';
  }

  /** Predicts the drawing; calls made while one runs are folded into one more run after it. */
  private predict(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = (async () => {
      try {
        do {
          this.again = false;
          await this.predictOnce();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    this.running = run;
    return run;
  }

  private async predictOnce(): Promise<void> {
    const model = this.model;
    if (!model) return;
    delete this.dataset.digit;
    delete this.dataset.backend;
    if (this.pad.empty) {
      this.clearResult('Draw a digit in the box.');
      this.dataset.state = 'ready';
      return;
    }
    let pixels: Float32Array;
    try {
      pixels = prepareDigit(this.pad.pixels());
      if (readingOf(model).deskew) pixels = deskewImage(pixels, 28, 28);
    } catch (e) {
      this.clearResult(`Cannot read the drawing (${(e as Error).message}). Clear it and draw one digit.`);
      this.dataset.state = 'ready';
      return;
    }
    this.dataset.state = 'predicting';
    try {
      const info = await ready();
      const x = tensor4d(pixels, [1, 28, 28, 1]);
      const acts = (() => {
        try {
          return model.activations(x);
        } finally {
          x.dispose();
        }
      })();
      const layers: LayerOutput[] = [];
      try {
        for (const a of acts) {
          const values = (await a.output.data()) as Float32Array;
          layers.push({ name: a.name, className: a.className, inputs: a.inputs, shape: a.shape, values });
        }
      } finally {
        for (const a of acts) a.output.dispose();
      }
      if (model !== this.model) return; // swapped meanwhile: the next run draws the new one
      const input = {
        name: model.inputNames[0],
        className: 'Input',
        inputs: [],
        shape: [1, 28, 28, 1],
        values: pixels,
      };
      this.views = drawLayers(this.$('.layers'), [input, ...layers], (layer, unit) => this.pick(layer, unit));
      // The bars and the headline are the calibrated probabilities; the output layer's map shows the softmax itself.
      const probabilities = Array.from(
        applyTemperature(layers[layers.length - 1].values, readingOf(model).temperature),
      );
      const digit = probabilities.indexOf(Math.max(...probabilities));
      const p = this.$('.prediction');
      p.innerHTML = `<span class="digit">${digit}</span> ${(probabilities[digit] * 100).toFixed(1)}% sure, on ${info.name}`;
      this.$('.bars').innerHTML = barChartSvg(probabilities, {
        labels: probabilities.map((_, i) => String(i)),
        title: 'probability of each digit',
      });
      await this.detail();
      this.predictions++;
      this.dataset.predictions = String(this.predictions);
      this.dataset.digit = String(digit);
      this.dataset.backend = info.name;
      this.dataset.state = 'done';
      this.$('.error').hidden = true;
    } catch (e) {
      this.fail(`The prediction failed: ${(e as Error).message}`);
    }
  }

  private clearResult(message: string): void {
    this.$('.prediction').textContent = message;
    this.$('.bars').replaceChildren();
    this.$('.layers').replaceChildren();
    this.views.clear();
  }

  private pick(layer: string, unit: Unit): void {
    this.selected = { layer, ...unit };
    this.detail().catch((e: Error) => this.fail(`The detail view failed: ${e.message}`));
  }

  private pickInputChannel(c: number): void {
    if (!this.selected || !Number.isInteger(c)) return;
    this.selected.inputChannel = c;
    this.detail().catch((e: Error) => this.fail(`The detail view failed: ${e.message}`));
  }

  /** The detail panel for the selected unit, placed right under its layer, and the marks on the maps. */
  private async detail(): Promise<void> {
    const token = ++this.details;
    for (const v of this.views.values()) v.unitMark.hidden = v.patchMark.hidden = true;
    const s = this.selected;
    const view = s && this.views.get(s.layer);
    const node = view && this.model?.nodes.find((n) => n.name === view.name);
    const source = view && this.views.get(view.inputs[0]);
    const [out, input] = [view?.volume, source?.volume];
    const fits = s && out && s.channel < out.c && s.y < out.h && s.x < out.w;
    if (!s || !view || !node || !out || !source || !input || !fits || !DETAILED.has(view.className)) {
      this.panel.hidden = true;
      delete this.dataset.selected;
      return;
    }
    const shown = await explain(this.panel, node, { ...view, volume: out }, { ...source, volume: input }, s, () => {
      return token !== this.details;
    });
    if (!shown || token !== this.details) return;
    if (view.geometry) mark(view.unitMark, view.geometry, s.channel, [s.y, s.y], [s.x, s.x]);
    if (source.geometry) {
      const ys = shown.taps.map((t) => t.y);
      const xs = shown.taps.map((t) => t.x);
      const [rows, columns]: [number, number][] = [
        [Math.min(...ys), Math.max(...ys)],
        [Math.min(...xs), Math.max(...xs)],
      ];
      mark(source.patchMark, source.geometry, shown.inputChannel, rows, columns);
    }
    view.section.after(this.panel);
    this.panel.hidden = false;
    this.dataset.selected = `${s.layer}/${s.channel}/${s.y}/${s.x}`;
  }
}

if (!customElements.get('neurite-draw-digit')) customElements.define('neurite-draw-digit', DrawDigit);
