import type { Layer, Shape, SymbolicTensor } from '@neurite/layers';
import { type Graph, nodeName } from './graph.js';

/** One row of a model summary. */
export interface SummaryRow {
  name: string;
  className: string;
  outputShape: Shape;
  params: number;
  /** For a graph: the nodes (or inputs) this one reads. A model input's row has none. */
  connectedTo?: string[];
}

/** What summary() returns: the rows and the totals, plus the printed table. */
export interface ModelSummary {
  name: string;
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  text: string;
}

const fmt = (n: number) => n.toLocaleString('en-US');
// A name in the table: newlines, tabs and other control characters shown as escapes, so a name from a
// file can neither break the table's lines nor print lines of its own.
const cell = (name: string) => JSON.stringify(String(name)).slice(1, -1);
const shapeText = (s: Shape) => `[${s.map((d) => (d === null ? 'null' : d)).join(', ')}]`;

/** A Sequential's table: one row per layer. */
export function summarize(name: string, layers: Layer[], shapes: Shape[]): ModelSummary {
  const rows: SummaryRow[] = layers.map((l, i) => ({
    name: l.name,
    className: l.className,
    outputShape: shapes[i],
    params: l.countParams(),
  }));
  return table(name, layers, rows, false);
}

/**
 * A graph's table: a row per input and per node (a shared layer's later uses get rows named `:1`,
 * `:2`, with their parameters counted once, on the first), and a "Connected to" column.
 */
export function summarizeGraph(name: string, g: Graph): ModelSummary {
  const inputRows: SummaryRow[] = g.inputs.map((t: SymbolicTensor) => ({
    name: t.name,
    className: 'InputLayer',
    outputShape: t.shape,
    params: 0,
    connectedTo: [],
  }));
  const nodeRows: SummaryRow[] = g.nodes.map((t) => {
    const layer = t.node.layer as Layer;
    return {
      name: nodeName(g, t),
      className: layer.className,
      outputShape: t.shape,
      params: g.use.get(t) === 0 ? layer.countParams() : 0,
      connectedTo: t.node.inputs.map((s) => nodeName(g, s)),
    };
  });
  return table(name, g.layers, [...inputRows, ...nodeRows], true);
}

function table(name: string, layers: Layer[], rows: SummaryRow[], connected: boolean): ModelSummary {
  const count = (ws: { variable: { size: number } }[]) => ws.reduce((n, w) => n + w.variable.size, 0);
  const trainableParams = layers.reduce((n, l) => n + count(l.trainableWeights), 0);
  const totalParams = rows.reduce((n, r) => n + r.params, 0);
  const cells = rows.map((r) => [
    `${cell(r.name)} (${cell(r.className)})`,
    shapeText(r.outputShape),
    fmt(r.params),
    ...(connected ? [(r.connectedTo ?? []).map(cell).join(', ')] : []),
  ]);
  const header = ['Layer (type)', 'Output Shape', 'Param #', ...(connected ? ['Connected to'] : [])];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)) + 2);
  // Parameter counts are right-aligned; the other columns left-aligned.
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === 2 ? (connected ? `${v.padStart(widths[i] - 2)}  ` : v) : v.padEnd(widths[i])))
      .join('')
      .trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b, 0));
  const text = [
    `Model: "${cell(name)}"`,
    rule('_'),
    line(header),
    rule('='),
    ...cells.flatMap((c, i) => (i === 0 ? [line(c)] : [rule('_'), line(c)])),
    rule('='),
    `Total params: ${fmt(totalParams)}`,
    `Trainable params: ${fmt(trainableParams)}`,
    `Non-trainable params: ${fmt(totalParams - trainableParams)}`,
    rule('_'),
  ].join('\n');
  return { name, rows, totalParams, trainableParams, nonTrainableParams: totalParams - trainableParams, text };
}
