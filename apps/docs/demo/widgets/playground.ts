// <neurite-playground>: small networks on 2-D data, trained in the page on the backend picked in its
// <neurite-backend-switcher>. The settings live in the URL's hash, so a link restores them; the pieces
// are in playground/ (state and its URL form, the data, the trainer, the network's SVG, the pictures).
import { getBackend } from '@neurite/core';
import { ready, training } from './backend.js';
import {
  ACTIVATION_LABELS,
  readControl,
  readLayerButton,
  showControls,
  showMessage,
  TEMPLATE,
} from './playground/controls.js';
import { FEATURE_LABELS, featureRows, gridPoints, makePoints, type Points } from './playground/data.js';
import { NetworkView } from './playground/network.js';
import { drawPoints, drawScaled, imageUrl, type Scale, unitImage } from './playground/paint.js';
import { checkNumber, copyState, DEFAULTS, parseHash, type State, toHash } from './playground/state.js';
import { type LayerValues, Trainer } from './playground/trainer.js';

/** A hand-edited weight is kept within this size. */
const MAX_WEIGHT = 100;
/** While playing: steps for this long, then the page gets a frame; the pictures redraw at most this often. */
const SLICE_MS = 30;
const REDRAW_MS = 150;
/** The boundary's colours at this fraction of the points' own, so that a point stands out on its class. */
const BOUNDARY_STRENGTH = 0.7;

interface Selection {
  col: number;
  unit: number;
}

class Playground extends HTMLElement {
  private $ = <T extends Element>(sel: string) => this.querySelector(sel) as T;
  private state: State = copyState(DEFAULTS);
  private trainer?: Trainer;
  private trainerBackend = '';
  private points?: Points;
  private view?: NetworkView;
  private featurePictures: { values: Float32Array; urls: string[] } = { values: new Float32Array(), urls: [] };
  private picture: Float32Array[] = [];
  private weights: LayerValues[] = [];
  private inspected?: Selection;
  private pinned = false;
  private playing = false;
  private queue: Promise<unknown> = Promise.resolve();
  private writtenHash = '';
  private listeners?: AbortController;

  connectedCallback(): void {
    if (this.childElementCount === 0) {
      this.className = 'neurite-playground';
      this.innerHTML = TEMPLATE;
      this.wire();
    }
    this.dataset.state = 'loading';
    this.loadHash();
    this.listeners = new AbortController();
    const signal = this.listeners.signal;
    window.addEventListener('neurite-backend', () => void this.enqueue(() => this.rebuild(false)), { signal });
    // A link to another state of this page (the page's own presets, or an edited address).
    window.addEventListener(
      'hashchange',
      () => {
        if (location.hash.slice(1) === this.writtenHash || !location.hash.includes('=')) return;
        this.loadHash();
        this.restart();
      },
      { signal },
    );
    void this.enqueue(() => this.rebuild(true));
  }

  /** Leaving the page: stops, and frees the model once the task that runs has finished. */
  disconnectedCallback(): void {
    this.pause();
    this.listeners?.abort();
    void this.enqueue(async () => {
      this.trainer?.dispose();
      this.trainer = undefined;
    }, true);
  }

  /** The state from the URL's hash, with a message for whatever in it had to change. */
  private loadHash(): void {
    const { state, notes } = parseHash(location.hash);
    this.state = state;
    showControls(this, state);
    showMessage(this, notes.length > 0 ? ["This link's settings needed changes:", ...notes] : []);
    if (location.hash.includes('=') || notes.length > 0) this.writeHash();
  }

  /**
   * Runs model work one task at a time, so steps, redraws, edits and rebuilds never interleave. A task
   * that fails stops the playground with its message; the returned promise never rejects.
   */
  private enqueue(task: () => Promise<void>, evenDetached = false): Promise<void> {
    // A task queued before the element left the page does nothing once it has left.
    const run = this.queue
      .then(() => (this.isConnected || evenDetached ? task() : undefined))
      .catch((e: Error) => {
        this.pause();
        this.dataset.state = 'failed';
        showMessage(this, [`The playground stopped: ${e.message}`]);
      });
    this.queue = run;
    return run;
  }

  /** The controls' own listeners, once: they live and go with the element's children. */
  private wire(): void {
    // A backend switch waits for the running step; pausing first lets it happen at once.
    this.$('neurite-backend-switcher').addEventListener('click', () => this.pause());
    this.$('button[name=reset]').addEventListener('click', () => {
      this.restart();
    });
    this.$('button[name=step]').addEventListener('click', () => {
      if (!this.playing) void this.enqueue(() => this.stepOnce().then(() => this.refresh()));
    });
    this.$('button[name=play]').addEventListener('click', () => (this.playing ? this.pause() : void this.play()));
    this.addEventListener('change', (e) => this.onChange(e.target as HTMLInputElement));
    this.$<HTMLInputElement>('input[name=noise]').addEventListener('input', (e) => {
      this.$<HTMLOutputElement>('output[name=noise-out]').value = `${(e.target as HTMLInputElement).value}%`;
    });
    this.$('.pg-layers').addEventListener('click', (e) => {
      if (!readLayerButton(e.target as Element, this.state)) return;
      this.settled([]);
      this.restart();
    });
    this.wireNetwork();
  }

  private writeHash(): void {
    this.writtenHash = toHash(this.state);
    history.replaceState(history.state, '', `#${this.writtenHash}`);
  }

  /** A control changed: check it, keep it in the state and the URL, and rebuild or reconfigure. */
  private onChange(input: HTMLInputElement): void {
    if (input.name === 'weight') {
      this.onWeight(input);
      return;
    }
    if (input.name === 'show-test') {
      if (this.points) drawPoints(this.$('.pg-points'), this.points, input.checked);
      return;
    }
    const s = this.state;
    const notes: string[] = [];
    const what = readControl(this, input, s, notes);
    if (!what) return;
    this.settled(notes);
    if (what === 'rebuild') this.restart();
    else
      void this.enqueue(async () => {
        this.trainer?.configure(s.regularizer, s.regularizationRate, s.learningRate);
      });
  }

  /** After a change of settings: the message says what was wrong, the controls and the URL show the state. */
  private settled(notes: string[]): void {
    showMessage(this, notes);
    showControls(this, this.state);
    this.writeHash();
  }

  /** Pauses and queues a rebuild; `data-state` says 'loading' from now until the new model is drawn. */
  private restart(): void {
    this.pause();
    this.dataset.state = 'loading';
    void this.enqueue(() => this.rebuild(true));
  }

  /** A new model and data for the state, on the running backend (unless `force` is off and it is current). */
  private async rebuild(force: boolean): Promise<void> {
    // The running backend, or the one being switched to (ready() waits for it).
    const backend = (await ready()).name;
    if (!force && this.trainer && this.trainerBackend === backend) return;
    this.dataset.state = 'loading';
    this.trainer?.dispose();
    this.trainer = undefined;
    const s = this.state;
    this.points = makePoints(s.dataset, s.noise, s.seed);
    this.trainer = new Trainer(s, this.points);
    this.trainerBackend = backend;
    const nf = s.features.length;
    const values = featureRows(gridPoints(), s.features);
    this.featurePictures = { values, urls: s.features.map((_, k) => imageUrl(unitImage(values, nf, k, 'peak'))) };
    const names = [
      s.features.map((f) => FEATURE_LABELS[f]),
      ...s.layers.map((units, l) => Array.from({ length: units }, (_, u) => `layer ${l + 1}, unit ${u + 1}`)),
      ['output'],
    ];
    this.view = new NetworkView(names);
    this.$('.pg-network').replaceChildren(this.view.svg);
    drawPoints(this.$('.pg-points'), this.points, this.$<HTMLInputElement>('input[name=show-test]').checked);
    this.inspected = undefined;
    this.pinned = false;
    this.showInspected();
    delete this.dataset.edited;
    await this.refresh();
    this.dataset.backend = backend;
    this.dataset.state = 'ready';
  }

  /** One batch, marked as a training so that a backend switch waits for it. */
  private async stepOnce(): Promise<void> {
    if (getBackend() !== this.trainerBackend) await this.rebuild(false);
    const t = this.trainer;
    if (!t) return;
    training(1);
    try {
      await t.step(this.state.batchSize);
    } finally {
      training(-1);
    }
  }

  private async play(): Promise<void> {
    if (!this.trainer) return;
    this.playing = true;
    this.dataset.state = 'playing';
    this.$('button[name=play]').textContent = 'Pause';
    this.$<HTMLButtonElement>('button[name=step]').disabled = true;
    let drawn = 0;
    while (this.playing && this.isConnected) {
      await this.enqueue(async () => {
        const start = performance.now();
        do await this.stepOnce();
        while (this.playing && performance.now() - start < SLICE_MS);
        if (performance.now() - drawn > REDRAW_MS) {
          await this.refresh();
          drawn = performance.now();
        }
      });
      await new Promise((r) => requestAnimationFrame(r));
    }
    await this.enqueue(() => this.refresh());
    if (this.dataset.state === 'playing') this.dataset.state = 'ready';
  }

  private pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.$('button[name=play]').textContent = 'Play';
    this.$<HTMLButtonElement>('button[name=step]').disabled = false;
  }

  /** Reads the model back (outputs over the grid, weights, losses) and redraws everything from it. */
  private async refresh(): Promise<void> {
    const t = this.trainer;
    const view = this.view;
    if (!t || !view) return;
    this.picture = await t.picture();
    this.weights = await t.weights();
    const losses = await t.losses();
    const urls = [
      this.featurePictures.urls,
      ...this.picture.map((values, l) => {
        const units = this.weights[l].units;
        return Array.from({ length: units }, (_, u) => imageUrl(unitImage(values, units, u, this.scale(l + 1))));
      }),
    ];
    view.update(this.weights, urls);
    const output = this.picture[this.picture.length - 1];
    drawScaled(this.$('.pg-boundary'), unitImage(output, 1, 0, 'probability', BOUNDARY_STRENGTH));
    this.showInspected();
    const set = (k: string, v: string) => {
      this.$(`[data-out=${k}]`).textContent = v;
    };
    set('epoch', String(t.epoch));
    set('step', String(t.steps));
    set('train', losses.train.toFixed(3));
    set('test', losses.test.toFixed(3));
    Object.assign(this.dataset, {
      step: String(t.steps),
      epoch: String(t.epoch),
      trainLoss: String(losses.train),
      testLoss: String(losses.test),
    });
  }

  /** How column `col`'s pictures map outputs to colours. */
  private scale(col: number): Scale {
    if (col === 0) return 'peak';
    if (col === this.state.layers.length + 1 || this.state.activation === 'sigmoid') return 'probability';
    return this.state.activation === 'tanh' ? 'signed' : 'peak';
  }

  private wireNetwork(): void {
    const net = this.$<HTMLElement>('.pg-network');
    const node = (e: Event) => (e.target as Element).closest?.('.pg-node') as SVGGElement | null;
    const at = (g: SVGGElement): Selection => ({ col: Number(g.dataset.col), unit: Number(g.dataset.unit) });
    net.addEventListener('pointerover', (e) => {
      const g = node(e);
      if (g && !this.pinned) this.inspect(at(g), false);
    });
    net.addEventListener('focusin', (e) => {
      const g = node(e);
      if (g && !this.pinned) this.inspect(at(g), false);
    });
    net.addEventListener('click', (e) => {
      const hit = (e.target as Element).closest?.('.pg-hit') as SVGPathElement | null;
      if (hit) {
        const [layer, from, to] = ['layer', 'from', 'to'].map((k) => Number(hit.dataset[k]));
        this.inspect({ col: layer + 1, unit: to }, true, from);
        return;
      }
      const g = node(e);
      if (g) this.inspect(at(g), true);
    });
    net.addEventListener('keydown', (e) => {
      const g = node(e);
      if (g && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        this.inspect(at(g), true);
      }
    });
    this.$<HTMLElement>('.pg-inspect').addEventListener('keydown', (e) => {
      if (e.key !== 'Escape' || !this.inspected) return;
      const node = this.inspected;
      this.inspect(undefined, false);
      this.view?.focus(node);
    });
  }

  /** Shows a neuron's picture; pinned, also an editor for its incoming weights (`from` focused). */
  private inspect(sel: Selection | undefined, pin: boolean, from?: number): void {
    this.inspected = sel;
    this.pinned = pin && sel !== undefined && sel.col > 0;
    this.showInspected();
    this.view?.mark(sel, from !== undefined && sel ? { layer: sel.col - 1, from, to: sel.unit } : undefined);
    if (this.pinned) {
      const selector = from === undefined ? 'input' : `input[data-from="${from}"]`;
      this.$<HTMLInputElement>(`.pg-edit ${selector}`)?.focus();
    }
  }

  /** Redraws the inspected neuron's picture, text and (pinned) its weights' inputs. */
  private showInspected(): void {
    const canvas = this.$<HTMLCanvasElement>('.pg-unit');
    const text = this.$('.pg-inspect-text');
    const edit = this.$('.pg-edit');
    const sel = this.inspected;
    if (!sel || !this.view) {
      canvas.hidden = true;
      edit.replaceChildren();
      return;
    }
    const name = this.view.names[sel.col][sel.unit];
    canvas.hidden = false;
    if (sel.col === 0) {
      const nf = this.state.features.length;
      drawScaled(canvas, unitImage(this.featurePictures.values, nf, sel.unit, 'peak'));
      text.textContent = `Input ${name}: the value the network reads at each point (scaled to its largest size).`;
      edit.replaceChildren();
      return;
    }
    const w = this.weights[sel.col - 1];
    const values = this.picture[sel.col - 1];
    if (!w || !values) return;
    drawScaled(canvas, unitImage(values, w.units, sel.unit, this.scale(sel.col)));
    const last = sel.col === this.state.layers.length + 1;
    const act = last ? 'sigmoid' : ACTIVATION_LABELS[this.state.activation];
    text.textContent =
      `${name[0].toUpperCase()}${name.slice(1)} (${act}): its output at each point of the plane` +
      `${last ? ', the probability of the red class' : ''}. Bias ${w.bias[sel.unit].toFixed(3)}.`;
    if (!this.pinned) {
      edit.replaceChildren();
      return;
    }
    const inputs = [...edit.querySelectorAll<HTMLInputElement>('input[name=weight]')];
    const same =
      inputs.length === w.inputs + 1 &&
      inputs[0]?.dataset.layer === String(sel.col - 1) &&
      inputs[0]?.dataset.to === String(sel.unit);
    if (!same) {
      edit.innerHTML =
        `<p>Its weights (Enter or leave a box to apply; Escape closes):</p>` +
        Array.from({ length: w.inputs + 1 }, (_, i) => {
          const from = i < w.inputs ? i : -1;
          const label = from < 0 ? 'bias' : `from ${this.view?.names[sel.col - 1][from]}`;
          return `<label>${label} <input name="weight" type="number" step="any" data-layer="${sel.col - 1}" data-from="${from}" data-to="${sel.unit}"></label>`;
        }).join('');
    }
    for (const input of edit.querySelectorAll<HTMLInputElement>('input[name=weight]')) {
      if (input === document.activeElement && same) continue; // leave a value being typed alone
      const from = Number(input.dataset.from);
      const v = from < 0 ? w.bias[sel.unit] : w.kernel[from * w.units + sel.unit];
      input.value = String(Number(v.toFixed(4)));
    }
  }

  /** A weight's box changed: check it, then write it through the layer's API and redraw. */
  private onWeight(input: HTMLInputElement): void {
    const [layer, from, to] = ['layer', 'from', 'to'].map((k) => Number(input.dataset[k]));
    const notes: string[] = [];
    const w = this.weights[layer];
    if (!w) return;
    const now = from < 0 ? w.bias[to] : w.kernel[from * w.units + to];
    // A box that does not hold a number keeps the weight as it is.
    const v = checkNumber('Weight', input.value, [-MAX_WEIGHT, MAX_WEIGHT], Number(now.toFixed(4)), notes);
    showMessage(this, notes);
    if (notes.length > 0) input.value = String(v);
    void this.enqueue(async () => {
      await this.trainer?.setWeight(layer, from, to, v);
      await this.refresh();
      this.dataset.edited = `${layer},${from},${to}`; // after the redraw, for a test to wait on
    });
  }
}

if (!customElements.get('neurite-playground')) customElements.define('neurite-playground', Playground);
