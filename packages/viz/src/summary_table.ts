import { NeuriteError } from '@neurite/core';
import { escapeXml } from './internal/svg.js';

/** What summaryTableHtml() needs: the shape of `model.summary({ print: false })` from @neurite/model. */
export interface ModelSummaryLike {
  name: string;
  rows: {
    name: string;
    className: string;
    outputShape: readonly (number | null)[];
    params: number;
    /** A graph's rows: the nodes each reads (shown in a "Connected to" column). */
    connectedTo?: readonly string[];
  }[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  text?: string;
}

const count = (n: number) => escapeXml(Number(n).toLocaleString('en-US'));
const shapeText = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? 'null' : d)).join(', ')}]`;

/**
 * A model summary as an HTML `<table class="summary">`: one row per layer (name, class, output shape,
 * parameters) and the totals, every text escaped. The batch axis shows as `null`, as Keras prints it.
 *
 * @example
 * ```ts
 * import { summaryTableHtml } from '@neurite/viz';
 * const html = summaryTableHtml({
 *   name: 'cnn',
 *   rows: [
 *     { name: 'conv2d_1', className: 'Conv2D', outputShape: [null, 26, 26, 8], params: 80 },
 *     { name: 'dense_1', className: 'Dense', outputShape: [null, 10], params: 54090 },
 *   ],
 *   totalParams: 54170,
 *   trainableParams: 54170,
 *   nonTrainableParams: 0,
 * });
 * console.log(html.includes('[null, 26, 26, 8]'), html.includes('54,170')); // true true
 * ```
 */
export function summaryTableHtml(summary: ModelSummaryLike): string {
  if (!summary || !Array.isArray(summary.rows)) {
    throw new NeuriteError(
      'summaryTableHtml: expected a model summary { name, rows: [{ name, className, outputShape, params }], totalParams, ... }. ' +
        `Received: ${summary === null ? 'null' : typeof summary}${summary && typeof summary === 'object' ? ' without rows' : ''}. ` +
        'Pass model.summary({ print: false }).',
    );
  }
  const graph = summary.rows.some((r) => Array.isArray(r.connectedTo));
  const body = summary.rows
    .map(
      (r) =>
        `<tr><td>${escapeXml(r.name)}</td><td>${escapeXml(r.className)}</td>` +
        `<td>${escapeXml(shapeText(r.outputShape ?? []))}</td><td class="num">${count(r.params)}</td>` +
        (graph ? `<td>${escapeXml((r.connectedTo ?? []).map(String).join(', '))}</td>` : '') +
        '</tr>',
    )
    .join('');
  const totals = [
    ['Total params', summary.totalParams],
    ['Trainable params', summary.trainableParams],
    ['Non-trainable params', summary.nonTrainableParams],
  ] as const;
  const foot = totals
    .map(([k, v]) => `<tr><th colspan="3">${k}</th><td class="num">${count(v)}</td>${graph ? '<td></td>' : ''}</tr>`)
    .join('');
  return (
    `<table class="summary"><caption>Model: ${escapeXml(summary.name ?? '')}</caption>` +
    `<thead><tr><th>Layer</th><th>Type</th><th>Output shape</th><th>Params</th>${graph ? '<th>Connected to</th>' : ''}</tr></thead>` +
    `<tbody>${body}</tbody><tfoot>${foot}</tfoot></table>`
  );
}
