// Draws a layer's output on a canvas (featureMapGrid for [h, w, c], vectorStrip for [n]) and maps a
// pointer on that canvas back to the unit under it. The gaps between tiles are transparent, so the
// canvas's CSS background (the theme's divider colour) draws the borders, in light and dark mode alike.
import { featureMapGrid, type Rgba, tileLayout, vectorStrip } from '@neurite/viz';
import { drawImage } from '@neurite/viz/browser';
import type { Volume } from './unit.js';

const TILE = 52; // about this many CSS pixels per feature-map tile
const GAP = 2;
const STRIP_WIDTH = 384;
const TRANSPARENT: Rgba = [0, 0, 0, 0];

/** Where each value sits on the canvas: a grid of h x w tiles, or a strip of n cells. */
export type Geometry =
  | { kind: 'maps'; h: number; w: number; c: number; scale: number; columns: number; width: number; height: number }
  | { kind: 'strip'; n: number; cell: number; columns: number; width: number; height: number };

/** A unit: channel and position in a feature map; for a strip, channel is the index and y = x = 0. */
export interface Unit {
  channel: number;
  y: number;
  x: number;
}

export function drawMaps(canvas: HTMLCanvasElement, v: Volume): Geometry {
  const scale = Math.max(1, Math.round(TILE / Math.max(v.h, v.w)));
  const { columns } = tileLayout(v.c);
  // One channel is the image itself: grey, as MNIST shows it; feature maps in viridis, each tile scaled
  // to its own range.
  const image = featureMapGrid(v.values, [v.h, v.w, v.c], {
    scale,
    gap: GAP,
    gapColor: TRANSPARENT,
    colormap: v.c === 1 ? 'grey' : 'viridis',
  });
  drawImage(canvas, image);
  return { kind: 'maps', h: v.h, w: v.w, c: v.c, scale, columns, width: image.width, height: image.height };
}

export function drawStrip(canvas: HTMLCanvasElement, values: Float32Array): Geometry {
  const columns = Math.min(values.length, 64);
  const cell = Math.min(24, Math.max(6, Math.floor(STRIP_WIDTH / columns)));
  const image = vectorStrip(values, { cellSize: cell, columns, gapColor: TRANSPARENT });
  drawImage(canvas, image);
  return { kind: 'strip', n: values.length, cell, columns, width: image.width, height: image.height };
}

/** The unit under a pointer event on the canvas, or undefined over a gap. */
export function unitAt(g: Geometry, canvas: HTMLCanvasElement, e: MouseEvent): Unit | undefined {
  const r = canvas.getBoundingClientRect();
  const px = ((e.clientX - r.left) * g.width) / r.width;
  const py = ((e.clientY - r.top) * g.height) / r.height;
  if (px < 0 || py < 0 || px >= g.width || py >= g.height) return undefined;
  if (g.kind === 'strip') {
    const i = Math.floor(py / g.cell) * g.columns + Math.floor(px / g.cell);
    return i < g.n ? { channel: i, y: 0, x: 0 } : undefined;
  }
  const [tw, th] = [g.w * g.scale, g.h * g.scale];
  const [col, row] = [Math.floor(px / (tw + GAP)), Math.floor(py / (th + GAP))];
  const [ix, iy] = [px - col * (tw + GAP), py - row * (th + GAP)];
  const channel = row * g.columns + col;
  if (ix >= tw || iy >= th || channel >= g.c) return undefined;
  return { channel, y: Math.floor(iy / g.scale), x: Math.floor(ix / g.scale) };
}

/**
 * Outlines rows y0..y1 and columns x0..x1 (inclusive, clipped to the map) of one channel's tile, with a
 * box positioned in percent so that it stays on the unit however wide the canvas is shown.
 */
export function mark(
  box: HTMLElement,
  g: Geometry,
  channel: number,
  [y0, y1]: [number, number],
  [x0, x1]: [number, number],
): void {
  if (g.kind !== 'maps') return;
  const [top, bottom] = [Math.max(0, y0), Math.min(g.h - 1, y1)];
  const [left, right] = [Math.max(0, x0), Math.min(g.w - 1, x1)];
  const tx = (channel % g.columns) * (g.w * g.scale + GAP);
  const ty = Math.floor(channel / g.columns) * (g.h * g.scale + GAP);
  const pct = (v: number, of: number) => `${((v / of) * 100).toFixed(3)}%`;
  box.style.left = pct(tx + left * g.scale, g.width);
  box.style.top = pct(ty + top * g.scale, g.height);
  box.style.width = pct((right - left + 1) * g.scale, g.width);
  box.style.height = pct((bottom - top + 1) * g.scale, g.height);
  box.hidden = false;
}
