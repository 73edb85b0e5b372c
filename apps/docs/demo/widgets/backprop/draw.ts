// The graph as SVG: one box per node (its label, op, forward value and gradient) and one arrow per input,
// placed at the grid position the graph gives. The numbers a test reads sit on each box as data-*.
import type { NodeDef, Values } from './graph.js';

const BOX_W = 96;
const BOX_H = 58;
const COL = BOX_W + 34;
const ROW = 74;
const PAD = 8;

const OP_SYMBOL = { mul: '×', add: '+', sigmoid: 'σ', tanh: 'tanh', bce: 'BCE' } as const;

export interface Drawing {
  nodes: NodeDef[];
  values: Values | null;
  grads: Values;
  fds: Values;
  current: string | null;
  /** Unique per graph on the page: the arrowhead's id. */
  arrow: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
export const fmt = (v: number) => (Object.is(v, -0) ? 0 : v).toFixed(4);

function place(n: NodeDef): { x: number; y: number } {
  return { x: PAD + n.at[0] * COL, y: PAD + n.at[1] * ROW };
}

export function graphSvg({ nodes, values, grads, fds, current, arrow }: Drawing): string {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const width = PAD * 2 + Math.max(...nodes.map((n) => n.at[0])) * COL + BOX_W;
  const height = PAD * 2 + Math.max(...nodes.map((n) => n.at[1])) * ROW + BOX_H;
  const edges: string[] = [];
  for (const n of nodes) {
    for (const id of n.inputs ?? []) {
      const from = place(byId.get(id) as NodeDef);
      const to = place(n);
      const [x1, y1, x2, y2] = [from.x + BOX_W, from.y + BOX_H / 2, to.x, to.y + BOX_H / 2];
      const bend = (x2 - x1) / 2;
      const active = current === id ? ' active' : '';
      edges.push(
        `<path class="edge${active}" data-edge="${id}>${n.id}" d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2 - 6},${y2}" marker-end="url(#${arrow})"/>`,
      );
    }
  }
  const boxes = nodes.map((n) => {
    const { x, y } = place(n);
    const value = values?.[n.id] ?? (n.op ? undefined : n.value);
    const grad = grads[n.id];
    const data = [
      `data-node="${n.id}"`,
      `data-op="${n.op ?? 'input'}"`,
      `data-inputs="${(n.inputs ?? []).join(',')}"`,
      value === undefined ? '' : `data-value="${value}"`,
      grad === undefined ? '' : `data-grad="${grad}"`,
      fds[n.id] === undefined ? '' : `data-fd="${fds[n.id]}"`,
      n.constant ? 'data-constant="true"' : '',
      current === n.id ? 'data-current="true"' : '',
    ].join(' ');
    const classes = [
      'node',
      n.constant ? 'constant' : '',
      grad === undefined ? '' : 'done',
      current === n.id ? 'current' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const gradText = n.constant ? 'constant' : grad === undefined ? 'grad ?' : `grad ${fmt(grad)}`;
    return `<g class="${classes}" ${data} transform="translate(${x},${y})">
      <title>${esc(n.label)}${n.op ? `: ${n.op}` : n.constant ? ': a constant (data)' : ': an input'}</title>
      <rect width="${BOX_W}" height="${BOX_H}" rx="6"/>
      <text class="label" x="8" y="16">${esc(n.label)}</text>
      <text class="op" x="${BOX_W - 8}" y="16" text-anchor="end">${n.op ? OP_SYMBOL[n.op] : n.constant ? 'data' : 'input'}</text>
      <text class="value" x="8" y="33">val ${value === undefined ? '?' : fmt(value)}</text>
      <text class="grad" x="8" y="49">${gradText}</text>
    </g>`;
  });
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" role="img" aria-label="The computation graph">
    <defs><marker id="${arrow}" viewBox="0 0 10 10" refX="4" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z"/></marker></defs>
    ${edges.join('\n')}
    ${boxes.join('\n')}
  </svg>`;
}
