// The detail view's panel: one conv unit's kernel, input patch, products and sums, or one pooling unit's
// window, as HTML. Every number shown is also on the panel as a data-* attribute, at full precision.
import { colorize } from '@neurite/viz';
import type { Unit } from './maps.js';
import type { ConvUnit, PoolUnit } from './unit.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Four decimals, without a "-0.0000". */
export const fmt = (v: number): string => (Math.abs(v) < 5e-5 ? '0.0000' : v.toFixed(4));

/** A cell coloured by its value (blue negative, white zero, red positive; scaled by `max`). */
function cell(v: number, max: number, extra = ''): string {
  if (Number.isNaN(v)) return `<td class="outside" title="outside the input"${extra}>·</td>`;
  const [r, g, b] = colorize(max > 0 ? v / max : 0, 'diverging');
  const ink = 0.299 * r + 0.587 * g + 0.114 * b < 140 ? '#fff' : '#000';
  return `<td style="background:rgb(${r},${g},${b});color:${ink}"${extra}>${fmt(v)}</td>`;
}

function grid(values: number[], columns: number, caption: string, mark = -1): string {
  const max = Math.max(...values.map((v) => (Number.isNaN(v) ? 0 : Math.abs(v))));
  const rows: string[] = [];
  for (let i = 0; i < values.length; i += columns) {
    const tds = values.slice(i, i + columns).map((v, j) => cell(v, max, i + j === mark ? ' class="top"' : ''));
    rows.push(`<tr>${tds.join('')}</tr>`);
  }
  return `<figure><figcaption>${caption}</figcaption><table>${rows.join('')}</table></figure>`;
}

const json = (v: number[]) => JSON.stringify(v.map((x) => (Number.isNaN(x) ? null : x)));

function set(panel: HTMLElement, data: Record<string, string | number>): void {
  for (const k of Object.keys(panel.dataset)) delete panel.dataset[k];
  for (const [k, v] of Object.entries(data)) panel.dataset[k] = String(v);
}

export interface ConvView {
  layer: string;
  className: string;
  /** The layer it reads (a layer's name, or the model's input). */
  source: string;
  activation: string;
  unit: Unit;
  kernelSize: [number, number];
  r: ConvUnit;
  inputChannel: number;
  /** activation(z), computed here from the products. */
  value: number;
  /** The model's own output at this unit, from model.activations(). */
  output: number;
}

export function renderConv(panel: HTMLElement, v: ConvView): void {
  const { r, unit } = v;
  const c = v.inputChannel;
  const cin = r.channelSums.length;
  const [kh, kw] = v.kernelSize;
  const taps = kh * kw;
  set(panel, {
    kind: 'conv',
    layer: v.layer,
    channel: unit.channel,
    y: unit.y,
    x: unit.x,
    inputChannel: c,
    inputChannels: cin,
    kernel: json(r.kernel[c]),
    patch: json(r.patch[c]),
    products: json(r.products[c]),
    productSum: r.channelSums[c],
    channelSums: json(r.channelSums),
    sum: r.sum,
    bias: r.bias,
    z: r.z,
    activation: v.activation,
    value: v.value,
    output: v.output,
  });
  const src = esc(v.source);
  const name = esc(v.layer);
  const from = cin === 1 ? `${src}` : `${src}'s channel ${c}`;
  const picker =
    cin === 1
      ? ''
      : `<label class="pick">Input channel <select name="input-channel">${r.channelSums
          .map((s, i) => `<option value="${i}"${i === c ? ' selected' : ''}>${i}: sum ${fmt(s)}</option>`)
          .join('')}</select></label>`;
  const sums =
    cin === 1
      ? ''
      : `<p>The same for each of the ${cin} input channels (pick one to see its nine products):</p>
        <div class="sums">${r.channelSums
          .map(
            (s, i) =>
              `<button type="button" data-input-channel="${i}"${i === c ? ' class="active"' : ''}><span>${i}</span>${fmt(s)}</button>`,
          )
          .join('')}</div>
        <p>Sum over the ${cin} channels: <b>${fmt(r.sum)}</b></p>`;
  panel.innerHTML = `
    <h4>${name} (${esc(v.className)}), filter ${unit.channel}, row ${unit.y}, column ${unit.x}</h4>
    <p>Filter ${unit.channel} lays its ${kh} × ${kw} kernel over ${cin === 1 ? src : `all ${cin} channels of ${src}`}
      at this position, multiplies each weight by the value under it, and adds the products up.</p>
    ${picker}
    <div class="grids">
      ${grid(r.kernel[c], kw, `kernel: filter ${unit.channel}'s weights${cin === 1 ? '' : ` for channel ${c}`}`)}
      <span class="op">×</span>
      ${grid(r.patch[c], kw, `patch of ${from} under it`)}
      <span class="op">=</span>
      ${grid(r.products[c], kw, 'products')}
    </div>
    <p>Sum of the ${taps} products: <b>${fmt(r.channelSums[c])}</b></p>
    ${sums}
    <p class="equation">${fmt(r.sum)} + bias ${fmt(r.bias)} = <b>${fmt(r.z)}</b>; ${esc(v.activation)}(${fmt(r.z)}) = <b>${fmt(v.value)}</b></p>
    <p class="check">The map shows <b>${fmt(v.output)}</b> here: the model's own output (difference ${Math.abs(v.value - v.output).toExponential(1)}).</p>`;
}

export interface PoolView {
  layer: string;
  className: string;
  source: string;
  kind: 'max' | 'average';
  unit: Unit;
  poolSize: [number, number];
  r: PoolUnit;
  output: number;
}

export function renderPool(panel: HTMLElement, v: PoolView): void {
  const { r, unit } = v;
  const [ph, pw] = v.poolSize;
  set(panel, {
    kind: 'pool',
    layer: v.layer,
    channel: unit.channel,
    y: unit.y,
    x: unit.x,
    window: json(r.window),
    pool: v.kind,
    value: r.value,
    output: v.output,
  });
  const inside = r.window.filter((x) => !Number.isNaN(x)).map(fmt);
  const formula = v.kind === 'max' ? `max(${inside.join(', ')})` : `mean(${inside.join(', ')})`;
  panel.innerHTML = `
    <h4>${esc(v.layer)} (${esc(v.className)}), channel ${unit.channel}, row ${unit.y}, column ${unit.x}</h4>
    <p>${v.kind === 'max' ? 'Max pooling keeps the largest' : 'Average pooling takes the mean'} of the ${ph} × ${pw}
      values of ${esc(v.source)}'s channel ${unit.channel} under its window. No weights: only the channel's own values.</p>
    <div class="grids">${grid(r.window, pw, `window on ${esc(v.source)}, channel ${unit.channel}`, v.kind === 'max' ? r.argmax : -1)}</div>
    <p class="equation">${formula} = <b>${fmt(r.value)}</b></p>
    <p class="check">The map shows <b>${fmt(v.output)}</b> here: the model's own output.</p>`;
}
