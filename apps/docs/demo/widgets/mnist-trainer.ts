// <neurite-mnist-trainer>: the course's CNN trained on the real MNIST in this page. The training runs in a
// Web Worker (trainer/worker.ts, bundled as /demo/trainer-worker.js) with its own engine, so the page's
// main thread only draws: the loss and accuracy curves, the confusion matrix after each epoch, one test
// digit's activations as the network learns, each layer's weight and gradient histograms, and the
// current mistakes. Pause, resume and stop; then draw a digit and test the model just trained.
// wasm runs on several threads where the page is cross-origin isolated (the docs server and the built
// site's _headers send COOP/COEP).
import { prepareDigit } from '@neurite/datasets';
import { barChartSvg, confusionMatrixSvg, lineChartSvg } from '@neurite/viz';
import {
  type Canvases,
  checkSettings,
  DEFAULTS,
  type FromWorker,
  LIMITS,
  MAP_SLOTS,
  MISTAKES,
  type Range,
  type ToWorker,
  type TrainSettings,
  WEIGHT_PATHS,
} from '../trainer/protocol.js';
import { DrawingPad } from './draw-digit/pad.js';

const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
const STORAGE_KEY = 'neurite-backend'; // the same choice as the other widgets' switcher

const FIELDS: { key: keyof typeof LIMITS; label: string; step?: string }[] = [
  { key: 'epochs', label: 'Epochs' },
  { key: 'batchSize', label: 'Batch size' },
  { key: 'learningRate', label: 'Learning rate α', step: 'any' },
  { key: 'trainImages', label: 'Training images' },
  { key: 'testImages', label: 'Test images' },
  { key: 'seed', label: 'Seed' },
  { key: 'probe', label: 'Test digit to watch (index)' },
];

class MnistTrainer extends HTMLElement {
  private worker: Worker | undefined;
  private $ = <T extends HTMLElement>(sel: string) => this.querySelector(sel) as T;
  private backend: TrainSettings['backend'] = 'wasm';
  private losses: number[] = [];
  private accuracies: number[] = [];
  private testAccuracies: number[] = [];
  private testAt: number[] = [];
  private longest = 0;
  private longTasks = 0;
  private observer: PerformanceObserver | undefined;
  private chartUpdates = 0;
  private mapUpdates = 0;

  connectedCallback(): void {
    if (this.childElementCount > 0) return;
    this.className = 'neurite-mnist-trainer';
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (BACKENDS as readonly string[]).includes(saved)) this.backend = saved as TrainSettings['backend'];
    const isolated = globalThis.crossOriginIsolated === true;
    const cores = Math.max(1, Math.min(LIMITS.threads[1], navigator.hardwareConcurrency || 1));
    this.innerHTML = `
      <div class="neurite-switcher">Backend: ${BACKENDS.map((b) => `<button type="button" data-backend="${b}">${b}</button>`).join('')}
        <label>Threads <select name="threads" ${isolated ? '' : 'disabled'}>${Array.from({ length: cores }, (_, i) => `<option value="${i + 1}" ${i + 1 === Math.max(1, cores - 1) ? 'selected' : ''}>${i + 1}</option>`).join('')}</select></label>
        <span class="neurite-status">${isolated ? `cross-origin isolated: wasm may use up to ${cores} threads` : 'not cross-origin isolated: wasm runs on 1 thread'}</span>
      </div>
      <div class="controls">
        ${FIELDS.map((f) => `<label>${f.label} <input name="${f.key}" type="number" step="${f.step ?? '1'}" min="${LIMITS[f.key][0]}" max="${LIMITS[f.key][1]}" value="${DEFAULTS[f.key]}"></label>`).join('')}
      </div>
      <div class="controls">
        <button type="button" name="train">Train</button>
        <button type="button" name="pause" disabled>Pause</button>
        <button type="button" name="stop" disabled>Stop</button>
      </div>
      <p class="result" role="status">Press Train: the default run is ${DEFAULTS.epochs} epochs over all 60,000 training digits.</p>
      <progress max="1" value="0"></progress>
      <div class="panels">
        <section><h4>Loss and accuracy</h4><div class="curves"></div></section>
        <section><h4>Confusion matrix (test digits)</h4><div class="confusion"><p class="hint">After the first epoch.</p></div></section>
      </div>
      <section><h4>One test digit, layer by layer</h4><div class="maps"></div></section>
      <section><h4>Weights and gradients, per layer</h4><div class="histograms"><p class="hint">After the first epoch.</p></div></section>
      <section><h4>The most confident mistakes</h4><div class="mistakes"><p class="hint">After the first epoch.</p></div></section>
      <section class="try"><h4>Test the model you trained</h4>
        <div class="pad-slot"></div>
        <div><button type="button" name="predict" disabled>Predict</button> <button type="button" name="clear">Clear</button>
        <p class="prediction">Train a model first.</p><div class="bars"></div></div>
      </section>`;
    for (const b of this.querySelectorAll<HTMLButtonElement>('.neurite-switcher button')) {
      b.addEventListener('click', () => this.pick(b.dataset.backend as TrainSettings['backend']));
    }
    this.pick(this.backend);
    this.$('button[name=train]').addEventListener('click', () => this.train());
    this.$('button[name=pause]').addEventListener('click', () => {
      this.send({ type: this.dataset.state === 'paused' ? 'resume' : 'pause' });
    });
    this.$('button[name=stop]').addEventListener('click', () => this.send({ type: 'stop' }));
    this.setupPad();
    // The charts' width, without reading layout while drawing.
    new ResizeObserver(([e]) => {
      this.width = Math.max(240, Math.min(480, Math.floor(e.contentRect.width) - 8));
    }).observe(this.$('.panels'));
    this.dataset.state = 'idle';
  }

  disconnectedCallback(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.observer?.disconnect();
  }

  private pick(name: TrainSettings['backend']): void {
    if (this.dataset.state === 'training' || this.dataset.state === 'paused') return;
    this.backend = name;
    localStorage.setItem(STORAGE_KEY, name);
    for (const b of this.querySelectorAll<HTMLButtonElement>('.neurite-switcher button'))
      b.classList.toggle('active', b.dataset.backend === name);
    this.$<HTMLSelectElement>('select[name=threads]').disabled =
      name !== 'wasm' || globalThis.crossOriginIsolated !== true;
  }

  private settings(): TrainSettings {
    const s = {
      ...DEFAULTS,
      backend: this.backend,
      threads: Number(this.$<HTMLSelectElement>('select[name=threads]').value),
    };
    if (this.backend !== 'wasm' || globalThis.crossOriginIsolated !== true) s.threads = 1;
    for (const f of FIELDS) s[f.key] = Number(this.$<HTMLInputElement>(`input[name=${f.key}]`).value);
    return s;
  }

  private send(m: ToWorker, transfer: Transferable[] = []): void {
    this.worker?.postMessage(m, transfer);
  }

  private train(): void {
    const settings = this.settings();
    const bad = checkSettings(settings);
    if (bad) {
      this.$('.result').textContent = `Cannot train: ${bad}`;
      this.dataset.state = 'refused';
      return;
    }
    // A fresh worker per run: a new engine, so a backend or thread count change takes effect.
    this.worker?.terminate();
    this.worker = new Worker('/demo/trainer-worker.js', { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const t = performance.now();
      this.receive(e.data);
      this.slowest(e.data.type, performance.now() - t);
    };
    this.worker.onerror = (e) => this.failed(e.message || 'the worker failed to start');
    this.losses = [];
    this.accuracies = [];
    this.testAccuracies = [];
    this.testAt = [];
    this.chartUpdates = 0;
    this.mapUpdates = 0;
    for (const k of [
      'testAccuracy',
      'epochsDone',
      'samplesPerSecond',
      'confusionEpoch',
      'histogramEpoch',
      'mistakes',
      'backend',
      'threads',
    ])
      delete this.dataset[k];
    this.dataset.state = 'loading';
    this.buttons(true);
    const canvases = this.slots();
    const all = [...canvases.maps, ...canvases.weights, ...canvases.gradients, ...canvases.mistakes];
    this.send({ type: 'start', settings, canvases }, all);
  }

  /** Long tasks on this page's main thread from now on: the longest and how many, for the page and the test. */
  private watchLongTasks(): void {
    this.longest = 0;
    this.longTasks = 0;
    this.observer?.disconnect();
    if (!PerformanceObserver.supportedEntryTypes?.includes('longtask')) return;
    this.observer = new PerformanceObserver((list) => {
      for (const t of list.getEntries()) {
        this.longTasks++;
        this.longest = Math.max(this.longest, t.duration);
      }
      this.dataset.longestTask = this.longest.toFixed(0);
      this.dataset.longTasks = String(this.longTasks);
    });
    this.observer.observe({ type: 'longtask' });
    this.dataset.longestTask = '0';
    this.dataset.longTasks = '0';
  }

  private buttons(running: boolean): void {
    this.$<HTMLButtonElement>('button[name=train]').disabled = running;
    this.$<HTMLButtonElement>('button[name=pause]').disabled = !running;
    this.$<HTMLButtonElement>('button[name=stop]').disabled = !running;
    this.$('button[name=pause]').textContent = 'Pause';
    for (const b of this.querySelectorAll<HTMLButtonElement>('.neurite-switcher button')) b.disabled = running;
    // A prediction needs a finished run's model; while a run goes, there is none to ask.
    this.$<HTMLButtonElement>('button[name=predict]').disabled = running || !this.model;
  }

  private failed(message: string): void {
    this.$('.result').textContent = `Training failed: ${message}`;
    this.dataset.state = 'failed';
    this.buttons(false);
  }

  private receive(m: FromWorker): void {
    const result = this.$('.result');
    switch (m.type) {
      case 'status':
        result.textContent = m.text;
        return;
      case 'ready': {
        this.dataset.backend = m.backend;
        this.dataset.threads = String(m.threads);
        const status = this.$('.neurite-status');
        status.textContent = `Training on ${m.backend}${m.backend === 'wasm' ? `, ${m.threads} thread${m.threads > 1 ? 's' : ''}${m.simd ? ', SIMD' : ''}` : ''} in a Web Worker${m.isolated ? ' (cross-origin isolated)' : ''}`;
        status.dataset.backend = m.backend;
        return;
      }
      case 'data':
        // From here on the page is training: its long tasks are the ones that count.
        this.watchLongTasks();
        this.slowestMs = 0;
        result.textContent = `MNIST loaded from this site: ${m.train.toLocaleString('en')} training and ${m.test.toLocaleString('en')} test digits (${(m.ms / 1000).toFixed(1)} s). Training...`;
        if (this.dataset.state !== 'paused') this.dataset.state = 'training';
        return;
      case 'progress':
        this.losses.push(m.loss);
        this.accuracies.push(m.accuracy);
        this.$<HTMLProgressElement>('progress').value = (m.epoch + m.batch / m.batches) / this.settingsEpochs();
        result.textContent = `epoch ${m.epoch + 1}, batch ${m.batch}/${m.batches}: loss ${m.loss.toFixed(4)}, accuracy ${(m.accuracy * 100).toFixed(1)}% (this epoch so far), ${Math.round(m.samplesPerSecond).toLocaleString('en')} samples/s`;
        this.drawCurves(m.batch === m.batches);
        return;
      case 'activations':
        this.mapsDrawn(m.label, m.captions, `epoch ${m.epoch + 1}, after batch ${m.batch}`);
        return;
      case 'epoch':
        this.testAccuracies.push(m.testAccuracy);
        this.testAt.push(this.losses.length);
        this.dataset.testAccuracy = m.testAccuracy.toFixed(4);
        this.dataset.epochsDone = String(m.epoch + 1);
        this.dataset.samplesPerSecond = m.samplesPerSecond.toFixed(0);
        // One piece per task, so that no task of this page's main thread runs long.
        this.later('confusion', () => {
          this.$('.confusion').innerHTML = confusionMatrixSvg(m.confusion, {
            title: `epoch ${m.epoch + 1}: ${(m.testAccuracy * 100).toFixed(2)}% of test digits right`,
            cellSize: 24,
          });
          this.dataset.confusionEpoch = String(m.epoch + 1);
        });
        this.later('histograms', () => {
          this.histogramsDrawn(m.histograms);
          this.dataset.histogramEpoch = String(m.epoch + 1);
        });
        this.later('mistakes', () => {
          this.mistakesDrawn(m.mistakes);
          this.dataset.mistakes = String(m.mistakes.length);
        });
        this.later('curves', () => this.drawCurves(true));
        return;
      case 'paused':
        this.dataset.state = m.paused ? 'paused' : 'training';
        this.$('button[name=pause]').textContent = m.paused ? 'Resume' : 'Pause';
        if (m.paused) result.textContent = `Paused. ${result.textContent}`;
        return;
      case 'done': {
        const pct = (m.testAccuracy * 100).toFixed(2);
        result.textContent =
          `${m.stopped ? 'Stopped' : 'Done'}: ${m.epochs} epoch${m.epochs === 1 ? '' : 's'} on ${this.dataset.backend}` +
          ` in ${m.trainSeconds.toFixed(1)} s of training (${Math.round(m.samplesPerSecond).toLocaleString('en')} samples/s);` +
          ` ${pct}% of the test digits right. Longest main-thread task meanwhile: ${this.longest.toFixed(0)} ms. Draw a digit below.`;
        this.dataset.testAccuracy = m.testAccuracy.toFixed(4);
        this.dataset.samplesPerSecond = m.samplesPerSecond.toFixed(0);
        this.dataset.trainSeconds = m.trainSeconds.toFixed(2);
        this.dataset.state = m.stopped ? 'stopped' : 'done';
        this.observer?.disconnect();
        this.model = m.model;
        this.buttons(false);
        this.$('.prediction').textContent = 'Draw a digit and press Predict.';
        this.dispatchEvent(new CustomEvent('neurite-trained', { detail: m.model, bubbles: true }));
        return;
      }
      case 'prediction': {
        const p = m.probabilities;
        const digit = p.indexOf(Math.max(...p));
        this.$('.prediction').textContent = `The model says ${digit} (${(p[digit] * 100).toFixed(1)}%).`;
        this.$('.prediction').dataset.digit = String(digit);
        this.$('.bars').innerHTML = barChartSvg(p, { labels: p.map((_, i) => String(i)), title: 'probabilities' });
        return;
      }
      case 'cancelled':
        result.textContent = 'Stopped before training began.';
        this.dataset.state = 'stopped';
        this.buttons(false);
        return;
      case 'error':
        if (m.predict) {
          this.$('.prediction').textContent = m.message;
          return;
        }
        this.failed(m.message);
        return;
    }
  }

  private slowestMs = 0;

  /** The slowest handling of a message or drawing step so far (script time, not layout), for the test's report. */
  private slowest(what: string, ms: number): void {
    if (ms <= this.slowestMs) return;
    this.slowestMs = ms;
    this.dataset.slowest = `${what} ${ms.toFixed(0)} ms`;
  }

  private queue: ((() => void) & { what: string })[] = [];

  /** Runs `f` in a task of its own after those queued before it (a frame apart). */
  private later(what: string, f: () => void): void {
    this.queue.push(Object.assign(f, { what }));
    if (this.queue.length > 1) return;
    const next = () => {
      const g = this.queue[0];
      const t = performance.now();
      g?.();
      this.slowest(`drawing ${g?.what}`, performance.now() - t);
      this.queue.shift();
      if (this.queue.length > 0) requestAnimationFrame(() => setTimeout(next, 0));
    };
    requestAnimationFrame(() => setTimeout(next, 0));
  }

  /** The trained model as files in memory (model.json and its weights), for loading elsewhere with fromArtifacts. */
  model: { json: unknown; weights: Uint8Array } | undefined;

  private settingsEpochs(): number {
    return Math.max(1, Number(this.$<HTMLInputElement>('input[name=epochs]').value) || 1);
  }

  private lastCurves = 0;
  private width = 480;

  /** The curves, at most twice a second unless `now`. */
  private drawCurves(now = false): void {
    const t = performance.now();
    if (!now && t - this.lastCurves < 500) return;
    this.lastCurves = t;
    const width = this.width;
    const x = this.losses.map((_, i) => i + 1);
    this.$('.curves').innerHTML =
      lineChartSvg({
        series: [{ name: 'loss', values: this.losses }],
        x,
        title: 'training loss',
        xLabel: 'progress reports',
        width,
        height: 200,
      }) +
      lineChartSvg({
        series: [
          { name: 'accuracy', values: this.accuracies },
          {
            name: 'test accuracy',
            values: this.losses.map((_, i) => this.testAccuracies[this.testAt.indexOf(i + 1)] ?? Number.NaN),
            dashed: true,
          },
        ],
        x,
        title: 'accuracy (training, this epoch so far; test, after each epoch)',
        xLabel: 'progress reports',
        width,
        height: 200,
      });
    this.dataset.chartUpdates = String(++this.chartUpdates);
  }

  /**
   * Fresh canvases for a run, handed to the worker (a canvas can be handed over only once): the probe
   * digit and each layer's maps, a histogram per weight and per gradient, and the mistakes.
   */
  private slots(): Canvases {
    const offscreen = (box: Element, caption: string, key: string) => {
      const c = document.createElement('canvas');
      const f = figure(caption, c);
      f.dataset.slot = key;
      box.append(f);
      return c.transferControlToOffscreen();
    };
    const maps = this.$('.maps');
    maps.replaceChildren(Object.assign(document.createElement('p'), { className: 'when', textContent: 'Starting...' }));
    const mapCanvases = MAP_SLOTS.map((k) => offscreen(maps, k, k));
    const hist = this.$('.histograms');
    hist.replaceChildren();
    const weights: OffscreenCanvas[] = [];
    const gradients: OffscreenCanvas[] = [];
    for (const path of WEIGHT_PATHS) {
      const row = document.createElement('div');
      row.className = 'histogram-row';
      row.dataset.path = path;
      weights.push(offscreen(row, `${path}: weights`, 'weights'));
      gradients.push(offscreen(row, `${path}: gradients`, 'gradients'));
      hist.append(row);
    }
    const mistakes = this.$('.mistakes');
    mistakes.replaceChildren();
    const mistakeCanvases = Array.from({ length: MISTAKES }, (_, i) => offscreen(mistakes, '', `mistake-${i}`));
    for (const f of mistakes.querySelectorAll('figure')) f.hidden = true;
    return {
      maps: mapCanvases,
      weights,
      gradients,
      mistakes: mistakeCanvases,
      ink: getComputedStyle(this).color || '#666',
    };
  }

  /** The worker redrew the probe digit's maps: their captions, and when. */
  private mapsDrawn(label: number, captions: string[], when: string): void {
    const box = this.$('.maps');
    (box.querySelector('p.when') as HTMLElement).textContent = `Test digit (a ${label}), ${when}:`;
    box.querySelectorAll('figcaption').forEach((c, i) => {
      if (captions[i] && c.textContent !== captions[i]) c.textContent = captions[i];
    });
    this.dataset.mapUpdates = String(++this.mapUpdates);
  }

  private histogramsDrawn(hs: { path: string; weights: Range; gradients: Range }[]): void {
    for (const h of hs) {
      const row = this.querySelector<HTMLElement>(`.histogram-row[data-path="${h.path}"]`);
      if (!row) continue;
      row.dataset.weights = `${h.weights.min} ${h.weights.max}`;
      row.dataset.gradients = `${h.gradients.min} ${h.gradients.max}`;
    }
  }

  private mistakesDrawn(ms: { label: number; predicted: number; confidence: number }[]): void {
    this.$('.mistakes')
      .querySelectorAll('figure')
      .forEach((f, i) => {
        const m = ms[i];
        f.hidden = !m;
        if (m)
          (f.querySelector('figcaption') as HTMLElement).textContent =
            `${m.label} read as ${m.predicted} (${(m.confidence * 100).toFixed(0)}%)`;
      });
  }

  /** The drawing pad (draw-digit's) under the results: its digit goes to the worker's model. */
  private setupPad(): void {
    const pad = new DrawingPad(() => {});
    this.$('.pad-slot').append(pad.canvas);
    this.$('button[name=clear]').addEventListener('click', () => {
      pad.clear();
      delete this.$('.prediction').dataset.digit;
    });
    this.$('button[name=predict]').addEventListener('click', () => {
      let pixels: Float32Array;
      try {
        if (pad.empty) throw new Error('empty');
        pixels = prepareDigit(pad.pixels());
      } catch {
        this.$('.prediction').textContent = 'Draw a digit first: the box is empty.';
        return;
      }
      this.send({ type: 'predict', pixels }, [pixels.buffer]);
    });
  }
}

function figure(caption: string, content: HTMLElement): HTMLElement {
  const f = document.createElement('figure');
  const c = document.createElement('figcaption');
  c.textContent = caption;
  f.append(content, c);
  return f;
}

if (!customElements.get('neurite-mnist-trainer')) customElements.define('neurite-mnist-trainer', MnistTrainer);
