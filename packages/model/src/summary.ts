import type { Layer, Shape } from '@neurite/layers';

/** One row of a model summary. */
export interface SummaryRow {
  name: string;
  className: string;
  outputShape: Shape;
  params: number;
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

export function summarize(name: string, layers: Layer[], shapes: Shape[]): ModelSummary {
  const rows: SummaryRow[] = layers.map((l, i) => ({
    name: l.name,
    className: l.className,
    outputShape: shapes[i],
    params: l.countParams(),
  }));
  const count = (ws: { variable: { size: number } }[]) => ws.reduce((n, w) => n + w.variable.size, 0);
  const trainableParams = layers.reduce((n, l) => n + count(l.trainableWeights), 0);
  const totalParams = rows.reduce((n, r) => n + r.params, 0);
  const cells = rows.map((r) => [`${cell(r.name)} (${cell(r.className)})`, shapeText(r.outputShape), fmt(r.params)]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)) + 2);
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === 2 ? v : v.padEnd(widths[i])))
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
