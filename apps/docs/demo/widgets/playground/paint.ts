// Pictures of values over the input plane: the decision boundary, each neuron's output, each feature,
// coloured with @neurite/viz's diverging map (blue -1, white 0, red +1).
import { colorize } from '@neurite/viz';
import { DOMAIN, GRID, type Points } from './data.js';

/** How a picture maps a unit's outputs to [-1, 1]. */
export type Scale = 'probability' | 'signed' | 'peak';

/**
 * One unit's outputs over the GRID x GRID lattice as an image: `values` holds `units` numbers per grid
 * point. 'probability' maps [0, 1] to [-1, 1] (sigmoid), 'signed' keeps [-1, 1] (tanh), 'peak' divides
 * by the largest |value| on the grid (relu, linear, the features). `strength` below 1 pales the colours
 * (the boundary, so that the points on it stand out).
 */
export function unitImage(values: Float32Array, units: number, unit: number, scale: Scale, strength = 1): ImageData {
  const n = GRID * GRID;
  let peak = 0;
  if (scale === 'peak') for (let k = 0; k < n; k++) peak = Math.max(peak, Math.abs(values[k * units + unit]));
  const img = new ImageData(GRID, GRID);
  for (let k = 0; k < n; k++) {
    const v = values[k * units + unit];
    const s = scale === 'probability' ? 2 * v - 1 : scale === 'signed' ? v : peak > 0 ? v / peak : 0;
    const [r, g, b] = colorize(s * strength, 'diverging');
    img.data.set([r, g, b, 255], 4 * k);
  }
  return img;
}

const scratch = typeof document === 'undefined' ? undefined : document.createElement('canvas');

/** Draws an image over the whole canvas, smoothed (the lattice is coarser than the canvas). */
export function drawScaled(canvas: HTMLCanvasElement, img: ImageData): void {
  const s = scratch as HTMLCanvasElement;
  s.width = img.width;
  s.height = img.height;
  (s.getContext('2d') as CanvasRenderingContext2D).putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.imageSmoothingEnabled = true;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(s, 0, 0, canvas.width, canvas.height);
}

/** The image as a PNG data URL, for an SVG <image> (a neuron's thumbnail). */
export function imageUrl(img: ImageData): string {
  const s = scratch as HTMLCanvasElement;
  s.width = img.width;
  s.height = img.height;
  (s.getContext('2d') as CanvasRenderingContext2D).putImageData(img, 0, 0);
  return s.toDataURL('image/png');
}

/** The class colours: the ends of the boundary's map, so a point sits on its own colour when it is right. */
export const CLASS_COLOURS = [colorize(-1, 'diverging'), colorize(1, 'diverging')].map(
  ([r, g, b]) => `rgb(${r},${g},${b})`,
);

/** The training points (filled) and the test points (white, ringed in their colour) on a transparent canvas over the boundary. */
export function drawPoints(canvas: HTMLCanvasElement, points: Points, showTest: boolean): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const at = (v: number) => ((v + DOMAIN) / (2 * DOMAIN)) * canvas.width;
  const half = points.count / 2;
  for (let i = 0; i < points.count; i++) {
    const test = i >= half;
    if (test && !showTest) continue;
    ctx.beginPath();
    ctx.arc(at(points.xy[2 * i]), canvas.height - at(points.xy[2 * i + 1]), test ? 3 : 3.5, 0, 2 * Math.PI);
    const colour = CLASS_COLOURS[points.labels[i]];
    if (test) {
      ctx.fillStyle = '#fff';
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = colour;
      ctx.stroke();
    } else {
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
    }
  }
}
