// Small pieces shared by the SVG charts. Every chart is a self-contained string: no fonts, scripts or
// URLs beyond the SVG namespace, so it can be inlined in HTML or saved as a file.

/** Escapes text for XML and HTML content and attribute values. */
export function escapeXml(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A coordinate with at most 2 decimals, so SVGs stay short and diffs stable. */
export const px = (v: number): string => String(Math.round(v * 100) / 100);

/** A tick or value label: up to 4 significant digits, no float noise (0.30000000000000004 -> 0.3). */
export const label = (v: number): string => String(Number(v.toPrecision(4)));

/** The opening tag of a standalone SVG of the given size. */
export function svgOpen(width: number, height: number, className: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="${className}" width="${px(width)}" height="${px(height)}" ` +
    `viewBox="0 0 ${px(width)} ${px(height)}" font-family="sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>`
  );
}

/** Series colours (matplotlib's tab10, first 8). */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** Evenly spaced round ticks covering [min, max] (about `count` of them), as in d3's ticks. */
export function niceTicks(min: number, max: number, count = 5, integers = false): number[] {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : lo + 1;
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step0 = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const step = integers ? Math.max(1, Math.round(step0)) : step0;
  const first = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let t = first; t <= hi + step * 1e-9 || ticks.length < 2; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** Approximate width of a text in the 12px sans-serif used everywhere (for laying out legends). */
export const textWidth = (text: string, size = 12): number => text.length * size * 0.6;
