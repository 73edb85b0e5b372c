// <neurite-backprop-stepper graph="unit|expression">, chapter 4: a computation graph stepped backwards one
// node at a time. The stepping is plain-number arithmetic (backprop/graph.ts), so every product can be read;
// each gradient is checked by a central difference, and the whole backward pass against Neurite's own
// valueAndGrads on the backend picked in the page's <neurite-backend-switcher>.
import { ready, training } from './backend.js';
import { fmt, graphSvg } from './backprop/draw.js';
import {
  finiteDifference,
  forward,
  gradientOf,
  type NodeDef,
  OPS,
  topological,
  type Values,
} from './backprop/graph.js';
import { GRAPHS, type GraphSpec } from './backprop/graphs.js';

/** The finite difference's step. The stepper's numbers are float64, so h can be far smaller than float32 allows. */
const H = 1e-4;
/** Library against stepper: float32 keeps about 7 digits, and the library's gradients pass through several ops. */
const TOLERANCE = 1e-4;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
/** ∂L/∂x, with the node's label in parentheses when it is more than one symbol (∂L/∂(w₀x₀)). */
const dL = (label: string) => `∂L/∂${label.length > 2 ? `(${label})` : label}`;

let instances = 0;

class BackpropStepper extends HTMLElement {
  private spec!: GraphSpec;
  private byId = new Map<string, NodeDef>();
  private order: NodeDef[] = []; // topological: every node after its inputs
  private steps: NodeDef[] = []; // the stepping order: reverse topological, constants left out
  private leaves: Values = {};
  private values: Values | null = null;
  private grads: Values = {};
  private fds: Values = {};
  private done = 0;
  private generation = 0; // a library check answers only for the state it was started on
  private arrow = `neurite-arrow-${++instances}`;
  private $ = <T extends Element>(sel: string) => this.querySelector(sel) as T;

  connectedCallback(): void {
    if (this.childElementCount > 0) return;
    const name = this.getAttribute('graph') ?? 'unit';
    if (!Object.hasOwn(GRAPHS, name)) {
      this.dataset.state = 'failed';
      this.textContent = `Unknown graph '${name}'. Expected one of: ${Object.keys(GRAPHS).join(', ')}. Received: graph="${name}".`;
      return;
    }
    this.spec = GRAPHS[name as keyof typeof GRAPHS];
    this.byId = new Map(this.spec.nodes.map((n) => [n.id, n]));
    this.order = topological(this.spec.nodes, this.spec.output);
    this.steps = [...this.order].reverse().filter((n) => !n.constant);
    this.dataset.graph = name;
    this.className = 'neurite-backprop';
    const leafInputs = this.order
      .filter((n) => !n.op)
      .map(
        (n) =>
          `<label>${esc(n.label)} <input name="${n.id}" type="text" inputmode="decimal" autocomplete="off" size="5"></label>`,
      )
      .join('');
    this.innerHTML = `
      <p class="formula"><strong>${esc(this.spec.title)}</strong>: ${esc(this.spec.formula)}</p>
      <neurite-backend-switcher></neurite-backend-switcher>
      <form class="inputs">${leafInputs}</form>
      <p class="error" role="alert" hidden></p>
      <div class="controls">
        <button type="button" name="forward">Forward</button>
        <button type="button" name="step">Step back</button>
        <button type="button" name="all">Back all</button>
        <button type="button" name="reset">Reset</button>
      </div>
      <div class="graph"></div>
      <div class="explain" aria-live="polite"></div>
      <div class="table"></div>
      <div class="library"></div>`;
    this.$('form').addEventListener('submit', (e) => e.preventDefault());
    for (const input of this.querySelectorAll<HTMLInputElement>('form input'))
      input.addEventListener('change', () => this.edit(input));
    this.$('button[name=forward]').addEventListener('click', () => this.forward());
    this.$('button[name=step]').addEventListener('click', () => this.stepBack());
    this.$('button[name=all]').addEventListener('click', () => this.backAll());
    this.$('button[name=reset]').addEventListener('click', () => this.reset());
    // Another backend: the library check runs again there.
    window.addEventListener('neurite-backend', () => {
      if (this.isConnected && this.done === this.steps.length) void this.check();
    });
    this.reset();
  }

  private reset(): void {
    for (const n of this.order) if (!n.op) this.leaves[n.id] = n.value ?? 0;
    for (const input of this.querySelectorAll<HTMLInputElement>('form input')) {
      input.value = String(this.leaves[input.name]);
      input.removeAttribute('aria-invalid');
    }
    this.showError(undefined);
    this.clear();
    this.render();
  }

  /** Drops the passes (values, gradients, the library's answer), keeping the inputs. */
  private clear(): void {
    this.values = null;
    this.grads = {};
    this.fds = {};
    this.done = 0;
    this.generation++;
    for (const key of ['lib', 'libBackend', 'libMaxDiff', 'libValue', 'libGrads']) delete this.dataset[key];
  }

  private forward(): void {
    this.clear();
    this.values = forward(this.order, this.leaves);
    this.render();
  }

  private advance(): void {
    const values = this.values as Values;
    const n = this.steps[this.done];
    this.grads[n.id] = n.id === this.spec.output ? 1 : gradientOf(this.order, values, this.grads, n.id).grad;
    this.fds[n.id] = finiteDifference(this.order, this.leaves, this.spec.output, n.id, H);
    this.done++;
  }

  private stepBack(): void {
    if (!this.values || this.done >= this.steps.length) return;
    this.advance();
    this.render();
    if (this.done === this.steps.length) void this.check();
  }

  private backAll(): void {
    if (!this.values || this.done >= this.steps.length) return;
    while (this.done < this.steps.length) this.advance();
    this.render();
    void this.check();
  }

  /** Validates an edited input; a good one re-runs the passes already run, with the new value. */
  private edit(input: HTMLInputElement): void {
    const node = this.byId.get(input.name) as NodeDef;
    const raw = input.value.trim();
    const [lo, hi] = node.range ?? [-10, 10];
    const keeps = `The graph keeps ${node.label} = ${this.leaves[node.id]}.`;
    if (!NUMBER.test(raw) || !(Number(raw) >= lo && Number(raw) <= hi)) {
      const shown = raw.length > 24 ? `${raw.slice(0, 24)}...` : raw;
      input.setAttribute('aria-invalid', 'true');
      this.showError(
        `${node.label}: expected a number from ${lo} to ${hi}, received "${shown}". Type a decimal number such as ${node.value}. ${keeps}`,
      );
      return;
    }
    const next = { ...this.leaves, [node.id]: Number(raw) };
    const reason = this.spec.refuse?.(forward(this.order, next));
    if (reason) {
      input.setAttribute('aria-invalid', 'true');
      this.showError(`${reason} ${keeps}`);
      return;
    }
    input.removeAttribute('aria-invalid');
    if (!this.querySelector('form input[aria-invalid]')) this.showError(undefined);
    this.leaves = next;
    const ran = this.values !== null;
    const steps = this.done;
    this.clear();
    if (ran) {
      this.values = forward(this.order, this.leaves);
      while (this.done < steps) this.advance();
    }
    this.render();
    if (ran && steps === this.steps.length) void this.check();
  }

  private showError(message: string | undefined): void {
    const p = this.$<HTMLParagraphElement>('.error');
    p.hidden = message === undefined;
    p.textContent = message ?? '';
    if (message === undefined) delete this.dataset.error;
    else this.dataset.error = message;
  }

  private render(): void {
    const current = this.done > 0 ? this.steps[this.done - 1].id : null;
    this.dataset.state = !this.values
      ? 'idle'
      : this.done === 0
        ? 'forward'
        : this.done < this.steps.length
          ? 'backward'
          : 'done';
    this.dataset.steps = String(this.done);
    this.dataset.total = String(this.steps.length);
    this.dataset.order = this.steps
      .slice(0, this.done)
      .map((n) => n.id)
      .join(',');
    if (current) this.dataset.current = current;
    else delete this.dataset.current;
    this.$<HTMLButtonElement>('button[name=step]').disabled = !this.values || this.done === this.steps.length;
    this.$<HTMLButtonElement>('button[name=all]').disabled = !this.values || this.done === this.steps.length;
    this.$('.graph').innerHTML = graphSvg({
      nodes: this.spec.nodes,
      values: this.values,
      grads: this.grads,
      fds: this.fds,
      current,
      arrow: this.arrow,
    });
    this.$('.explain').innerHTML = this.explain();
    this.$('.table').innerHTML = this.table(current);
    if (!this.dataset.lib) {
      this.$('.library').innerHTML =
        `<p>When every gradient is in, Neurite's <code>grads()</code> computes the same function on the page's backend, as a check: <code>${esc(this.spec.code)}</code></p>`;
    }
  }

  /** The chain-rule product of the node just stepped: local derivative × upstream gradient, summed over its uses. */
  private explain(): string {
    const values = this.values;
    const L = this.spec.output;
    if (!values) return '<p>Press <b>Forward</b> to compute every value from the inputs, left to right.</p>';
    if (this.done === 0)
      return `<p>Forward pass done: L = ${fmt(values[L])}. Press <b>Step back</b> to find the gradients, starting at L.</p>`;
    const n = this.steps[this.done - 1];
    const check = `<p class="fd">Check: (L(${esc(n.label)} + h) − L(${esc(n.label)} − h)) / 2h with h = 10⁻⁴ is ${fmt(this.fds[n.id])}; it differs from the gradient by ${Math.abs(this.fds[n.id] - this.grads[n.id]).toExponential(1)}.</p>`;
    if (n.id === L)
      return `<p>Start at the output: ∂L/∂L = 1. Each step back then finds one node's gradient from the gradients of the nodes that use it, so a node waits until all of its users are done.</p>${check}`;
    const { uses, grad } = gradientOf(this.order, values, this.grads, n.id);
    const items = uses.map((u) => {
      const c = this.byId.get(u.consumer) as NodeDef;
      const op = OPS[c.op as keyof typeof OPS];
      const labels = (c.inputs ?? []).map((i) => (this.byId.get(i) as NodeDef).label);
      const local = `∂${c.label.length > 2 ? `(${c.label})` : c.label}/∂${n.label} = ${op.localText(labels, u.slot, c.label)}`;
      return `<li>through ${esc(c.label)} = ${esc(op.formula(labels))}: ${esc(local)} = ${fmt(u.local)}, times ${esc(dL(c.label))} = ${fmt(u.upstream)}, gives <b>${fmt(u.local * u.upstream)}</b></li>`;
    });
    const head =
      uses.length > 1
        ? `${esc(n.label)} is used ${uses.length} times, so its gradient is the sum of ${uses.length} products, local derivative × upstream gradient:`
        : `${esc(n.label)} is used once, so its gradient is one product, local derivative × upstream gradient:`;
    const sum = uses.length > 1 ? `${uses.map((u) => fmt(u.local * u.upstream)).join(' + ')} = ` : '';
    return `<p>${head}</p><ul>${items.join('')}</ul><p><b>${esc(dL(n.label))} = ${sum}${fmt(grad)}</b></p>${check}`;
  }

  private table(current: string | null): string {
    const rows = [...this.steps, ...this.order.filter((n) => n.constant)].map((n) => {
      const op = n.op ? OPS[n.op] : undefined;
      const labels = (n.inputs ?? []).map((i) => (this.byId.get(i) as NodeDef).label);
      const value = this.values?.[n.id] ?? (n.op ? undefined : this.leaves[n.id]);
      const g = this.grads[n.id];
      const fd = this.fds[n.id];
      const cell = (v: number | undefined) => (v === undefined ? '' : fmt(v));
      return `<tr data-row="${n.id}"${current === n.id ? ' class="current"' : ''}>
        <td>${esc(n.label)}</td><td>${op ? esc(op.formula(labels)) : n.constant ? 'constant' : 'input'}</td>
        <td>${cell(value)}</td><td>${n.constant ? '—' : cell(g)}</td><td>${cell(fd)}</td>
        <td>${g === undefined || fd === undefined ? '' : Math.abs(fd - g).toExponential(1)}</td></tr>`;
    });
    return `<table><thead><tr><th>node</th><th>computes</th><th>value</th><th>gradient <span class="nowrap">∂L/∂node</span></th>
      <th>finite difference, h = 10⁻⁴</th><th>difference</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }

  /** Neurite's valueAndGrads on the page's backend, on the same inputs, against the stepper's numbers. */
  private async check(): Promise<void> {
    const gen = ++this.generation;
    const leaves = { ...this.leaves };
    const panel = this.$('.library');
    this.dataset.lib = 'pending';
    panel.innerHTML = "<p>Neurite's <code>grads()</code>: computing...</p>";
    let backend = 'the page backend';
    try {
      const info = await ready();
      backend = info.name;
      if (gen !== this.generation) return;
      training(1);
      let result: Awaited<ReturnType<GraphSpec['library']>>;
      try {
        result = await this.spec.library(leaves);
      } finally {
        training(-1);
      }
      if (gen !== this.generation) return;
      const L = this.spec.output;
      const ours = { ...this.grads, [`value:${L}`]: (this.values as Values)[L] };
      const theirs: Values = { ...result.grads, [`value:${L}`]: result.value };
      let worst = 0;
      let agree = true;
      for (const [k, v] of Object.entries(theirs)) {
        const diff = Math.abs(v - ours[k]);
        worst = Math.max(worst, diff);
        if (!(diff <= TOLERANCE * Math.max(1, Math.abs(ours[k])))) agree = false;
      }
      const list = Object.entries(result.grads)
        .map(([k, v]) => `${dL((this.byId.get(k) as NodeDef).label)} = ${fmt(v)}`)
        .join(', ');
      const verdict = agree
        ? `It agrees with the stepper within float32 tolerance: the largest difference is ${worst.toExponential(1)} (allowed: ${TOLERANCE} × max(1, |gradient|)).`
        : `It disagrees with the stepper: the largest difference is ${worst.toExponential(1)}, above ${TOLERANCE} × max(1, |gradient|).`;
      panel.innerHTML = `<p><b>Neurite's grads() on ${esc(backend)}</b>: L = ${fmt(result.value)}; ${esc(list)}. ${verdict}</p>
        <p><code>${esc(this.spec.code)}</code></p>`;
      this.dataset.lib = agree ? 'agree' : 'disagree';
      this.dataset.libBackend = backend;
      this.dataset.libMaxDiff = String(worst);
      this.dataset.libValue = String(result.value);
      this.dataset.libGrads = JSON.stringify(result.grads);
    } catch (e) {
      if (gen !== this.generation) return;
      this.dataset.lib = 'failed';
      panel.textContent = `Neurite's grads() failed on ${backend}: ${(e as Error).message}`;
    }
  }
}

if (!customElements.get('neurite-backprop-stepper')) customElements.define('neurite-backprop-stepper', BackpropStepper);
