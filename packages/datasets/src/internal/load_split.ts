// Node only: reads one split's image and label files and checks that they belong together.
import { NeuriteError } from '@neurite/core';
import { normalizePixels } from '../helpers.js';
import type { Idx } from '../idx.js';
import { readIdxFile } from '../idx_file.js';
import { type ImageSplit, imageSplit } from '../image_split.js';

export interface SplitFiles {
  /** The calling function, for messages: 'loadMnist'. */
  where: string;
  images: string;
  labels: string;
  /** How to get good files, for messages. */
  fix: string;
  limit?: number;
}

const HEIGHT = 28;
const WIDTH = 28;
const CLASSES = 10;

function describe(idx: Idx): string {
  return `${idx.type} [${idx.dims.join(', ')}]`;
}

/** Checks the limit option the way every loader does. */
export function checkLimit(where: string, limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new NeuriteError(`${where}: limit must be a positive integer. Received: ${limit}. E.g. { limit: 1000 }.`);
  }
}

/** 28 x 28 uint8 images and uint8 labels 0..9, one per image; at most `limit` of them. */
export async function loadSplit(f: SplitFiles): Promise<ImageSplit> {
  // Sequential, so that when both files are bad the same one is always reported.
  const images = await readIdxFile(f.images, { fix: f.fix });
  const labels = await readIdxFile(f.labels, { fix: f.fix });
  const [n, h, w] = images.dims;
  if (images.type !== 'uint8' || images.dims.length !== 3 || h !== HEIGHT || w !== WIDTH) {
    throw new NeuriteError(
      `${f.where}: ${f.images} should hold uint8 images of shape [count, ${HEIGHT}, ${WIDTH}]; ` +
        `it holds ${describe(images)}. ${f.fix}`,
    );
  }
  if (labels.type !== 'uint8' || labels.dims.length !== 1) {
    throw new NeuriteError(
      `${f.where}: ${f.labels} should hold uint8 labels of shape [count]; it holds ${describe(labels)}. ${f.fix}`,
    );
  }
  if (labels.dims[0] !== n) {
    throw new NeuriteError(
      `${f.where}: ${f.images} has ${n} images but ${f.labels} has ${labels.dims[0]} labels; expected one label ` +
        `per image. The two files do not belong together, or one is damaged. ${f.fix}`,
    );
  }
  const count = Math.min(n, f.limit ?? n);
  const y = (labels.data as Uint8Array).slice(0, count);
  const bad = y.findIndex((v) => v >= CLASSES);
  if (bad >= 0) {
    throw new NeuriteError(
      `${f.where}: ${f.labels} has label ${y[bad]} at index ${bad}; expected 0..${CLASSES - 1}. ${f.fix}`,
    );
  }
  const pixels = (images.data as Uint8Array).subarray(0, count * HEIGHT * WIDTH);
  return imageSplit({ images: normalizePixels(pixels), labels: y, height: HEIGHT, width: WIDTH, classes: CLASSES });
}
