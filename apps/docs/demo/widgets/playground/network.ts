// The network as SVG: a column of nodes per layer (the inputs first, the output unit last), each node
// showing its own output over the input plane, and an edge per weight, its width |w| and its colour
// the sign (theme colours from playground.css). Built once per architecture; update() redraws values.
import type { LayerValues } from './trainer.js';

const NS = 'http://www.w3.org/2000/svg';
const NODE = 30;
const ROW = 40;
/** Between two columns' left edges; the picture's width follows the number of columns. */
const STEP = 100;
const LEFT = 58; // room for the inputs' names
const RIGHT = 12;
const TOP = 22; // room for the columns' names

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** An edge's width for a weight: 0.5 px at 0, growing with |w| up to 7 px. */
export function edgeWidth(w: number): number {
  return Math.min(7, 0.5 + 1.5 * Math.abs(w));
}

export class NetworkView {
  readonly svg: SVGSVGElement;
  private readonly images: SVGImageElement[][] = [];
  private readonly nodes: SVGGElement[][] = [];
  /** Per layer (column c - 1), one path per weight, indexed from * units + to. */
  private readonly edges: SVGPathElement[][] = [];
  private readonly titles: SVGTitleElement[][] = [];

  /** `names[c][u]` names node u of column c: the inputs, then each hidden layer, then the output. */
  constructor(readonly names: string[][]) {
    const cols = names.length;
    const rows = Math.max(...names.map((c) => c.length));
    const height = TOP + rows * ROW;
    const width = LEFT + (cols - 1) * STEP + NODE + RIGHT;
    this.svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'pg-net', role: 'group' });
    // Shrinks to fit a narrow page, never grows past its own size.
    this.svg.style.maxWidth = `${width}px`;
    this.svg.setAttribute(
      'aria-label',
      'The network: hover or focus a neuron to see its output, click an edge to edit it',
    );
    const x = (c: number) => LEFT + c * STEP;
    const y = (c: number, u: number) => TOP + ((rows - names[c].length) * ROW) / 2 + u * ROW + (ROW - NODE) / 2;
    const edgeGroup = el('g', { class: 'pg-edges' });
    const hitGroup = el('g', { class: 'pg-hits' });
    const nodeGroup = el('g', { class: 'pg-nodes' });
    this.svg.append(edgeGroup, hitGroup, nodeGroup);
    for (let c = 0; c < cols; c++) {
      const header = c === 0 ? 'inputs' : c === cols - 1 ? 'output' : `layer ${c}`;
      const head = el('text', { x: x(c) + NODE / 2, y: 12, class: 'pg-col-name', 'text-anchor': 'middle' });
      head.textContent = header;
      nodeGroup.append(head);
      this.images.push([]);
      this.nodes.push([]);
      names[c].forEach((name, u) => {
        const g = el('g', {
          class: 'pg-node',
          transform: `translate(${x(c)},${y(c, u)})`,
          tabindex: 0,
          role: 'button',
          'data-col': c,
          'data-unit': u,
          'aria-label': c === 0 ? `input ${name}` : name,
        });
        const image = el('image', { width: NODE, height: NODE, preserveAspectRatio: 'none' });
        g.append(el('rect', { class: 'pg-frame', x: -1, y: -1, width: NODE + 2, height: NODE + 2, rx: 3 }), image);
        if (c === 0) {
          const label = el('text', { x: -6, y: NODE / 2 + 4, class: 'pg-input-name', 'text-anchor': 'end' });
          label.textContent = name;
          g.append(label);
        }
        nodeGroup.append(g);
        this.images[c].push(image);
        this.nodes[c].push(g);
      });
      if (c === 0) continue;
      const paths: SVGPathElement[] = [];
      const titles: SVGTitleElement[] = [];
      names[c - 1].forEach((_from, i) => {
        names[c].forEach((_to, j) => {
          const [x1, y1, x2, y2] = [x(c - 1) + NODE, y(c - 1, i) + NODE / 2, x(c), y(c, j) + NODE / 2];
          const mid = (x1 + x2) / 2;
          const d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
          const path = el('path', { d, class: 'pg-edge' });
          const hit = el('path', {
            d,
            class: 'pg-hit',
            'data-layer': c - 1,
            'data-from': i,
            'data-to': j,
          });
          const title = el('title', {});
          hit.append(title);
          edgeGroup.append(path);
          hitGroup.append(hit);
          paths.push(path);
          titles.push(title);
        });
      });
      this.edges.push(paths);
      this.titles.push(titles);
    }
  }

  /** Redraws the edges from the weights and the nodes from their pictures (`urls[c][u]`). */
  update(weights: LayerValues[], urls: string[][]): void {
    weights.forEach((w, l) => {
      for (let i = 0; i < w.inputs; i++) {
        for (let j = 0; j < w.units; j++) {
          const v = w.kernel[i * w.units + j];
          const path = this.edges[l][i * w.units + j];
          path.setAttribute('stroke-width', edgeWidth(v).toFixed(2));
          path.classList.toggle('neg', v < 0);
          this.titles[l][i * w.units + j].textContent =
            `${this.names[l][i]} → ${this.names[l + 1][j]}: weight ${v.toFixed(3)} (click to edit)`;
        }
      }
    });
    urls.forEach((col, c) => {
      for (const [u, url] of col.entries()) this.images[c][u]?.setAttribute('href', url);
    });
  }

  /** Moves the keyboard focus to a node (after its panel closes). */
  focus(node: { col: number; unit: number }): void {
    this.nodes[node.col]?.[node.unit]?.focus();
  }

  /** Marks the node being shown and, when editing, the edge being edited. */
  mark(node?: { col: number; unit: number }, edge?: { layer: number; from: number; to: number }): void {
    for (const g of this.svg.querySelectorAll('.pg-node.selected')) g.classList.remove('selected');
    for (const p of this.svg.querySelectorAll('.pg-edge.selected')) p.classList.remove('selected');
    if (node) this.nodes[node.col]?.[node.unit]?.classList.add('selected');
    if (edge) {
      const units = this.names[edge.layer + 1].length;
      this.edges[edge.layer]?.[edge.from * units + edge.to]?.classList.add('selected');
    }
  }
}
