// An image as a model's input: scaled to the input's height and width (bilinear, half-pixel centres, as
// Keras resizes), grey or RGB as the input's channels say, mapped into the value range the model expects.
import type { Model } from '@neurite/model';
import { UsageError } from '../errors.js';
import type { Rgba } from '../image.js';

/** What an image input looks like: [height, width, channels] without the batch. */
export interface ImageInput {
  height: number;
  width: number;
  channels: 1 | 3;
  /** The model's own input shape (without the batch), to reshape into. */
  shape: number[];
}

/** The model's one input as an image, or a usage error that says why it is not one. */
export function imageInput(command: string, model: Model): ImageInput {
  const shapes = model.inputs.map((x) => x.shape.slice(1));
  if (shapes.length !== 1) {
    throw new UsageError(`${command}: the model takes ${shapes.length} inputs; images feed a model with one.`);
  }
  if (model.outputs.length !== 1) {
    throw new UsageError(
      `${command}: the model has ${model.outputs.length} outputs; neurite ${command} runs models with one.`,
    );
  }
  const shape = shapes[0] as (number | null)[];
  if (shape.some((d) => d === null)) {
    throw new UsageError(
      `${command}: the model's input [${shape.join(', ')}] has free dimensions; an image needs a fixed size.`,
    );
  }
  const s = shape as number[];
  if (s.length === 3 && (s[2] === 1 || s[2] === 3))
    return { height: s[0] as number, width: s[1] as number, channels: s[2] as 1 | 3, shape: s };
  if (s.length === 2) return { height: s[0] as number, width: s[1] as number, channels: 1, shape: s };
  // A flat input of a square grey image (an MLP on 28 x 28 digits).
  const side = s.length === 1 ? Math.round(Math.sqrt(s[0] as number)) : 0;
  if (side > 0 && side * side === s[0]) return { height: side, width: side, channels: 1, shape: s };
  throw new UsageError(
    `${command}: the model's input is [${s.join(', ')}]; an image input is [height, width, 1 or 3], [height, width] or a square [n].`,
  );
}

/** The --range flag: 'lo:hi', the values pixel 0 and pixel 255 become. */
export function rangeFlag(command: string, value: string | undefined): [number, number] {
  if (value === undefined) return [0, 1];
  const m = /^(-?\d+(?:\.\d+)?):(-?\d+(?:\.\d+)?)$/.exec(value);
  const lo = m ? Number(m[1]) : Number.NaN;
  const hi = m ? Number(m[2]) : Number.NaN;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo === hi || Math.abs(lo) > 1e6 || Math.abs(hi) > 1e6) {
    throw new UsageError(`${command}: --range must be lo:hi, e.g. 0:1, -1:1 or 0:255. Received: --range ${value}.`);
  }
  return [lo, hi];
}

/**
 * The image's pixels resized to the input and mapped to [lo, hi]. Transparency is laid over black; with
 * `invert`, dark ink on light paper becomes light on dark (as MNIST's digits are).
 */
export function toInput(img: Rgba, input: ImageInput, range: [number, number], invert = false): Float32Array {
  const { height: H, width: W, channels: C } = input;
  const out = new Float32Array(H * W * C);
  const px = (x: number, y: number, c: number) => {
    const i = (y * img.width + x) * 4;
    const a = (img.data[i + 3] as number) / 255;
    if (c < 3) return (img.data[i + c] as number) * a;
    const [r, g, b] = [0, 1, 2].map((k) => (img.data[i + k] as number) * a) as [number, number, number];
    return 0.299 * r + 0.587 * g + 0.114 * b;
  };
  const sy = img.height / H;
  const sx = img.width / W;
  const [lo, hi] = range;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    for (let x = 0; x < W; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      for (let c = 0; c < C; c++) {
        const k = C === 1 ? 3 : c;
        const top = px(x0, y0, k) * (1 - (fx - x0)) + px(x1, y0, k) * (fx - x0);
        const bottom = px(x0, y1, k) * (1 - (fx - x0)) + px(x1, y1, k) * (fx - x0);
        let v = (top * (1 - (fy - y0)) + bottom * (fy - y0)) / 255;
        if (invert) v = 1 - v;
        out[(y * W + x) * C + c] = lo + v * (hi - lo);
      }
    }
  }
  return out;
}
