// Where the ink is in a picture from a user (drawn, scanned, photographed), whatever the paper, the light
// and the polarity: grey levels, a frame round the page, the paper's level, ink against it. prepare_digit.ts
// crops and places what this finds as MNIST's digits were placed.

/** RGBA pixels, row-major, as a PNG/JPEG decoder or a canvas's getImageData gives them. */
export interface RgbaPixels {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** Luminance in [0, 1] per pixel, transparent pixels composited over white. */
function greyOf(img: RgbaPixels): Float32Array {
  const n = img.width * img.height;
  const grey = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = img.data[4 * i + 3] / 255;
    const lum = 0.299 * img.data[4 * i] + 0.587 * img.data[4 * i + 1] + 0.114 * img.data[4 * i + 2];
    grey[i] = (a * lum + (1 - a) * 255) / 255;
  }
  return grey;
}

function quantile(values: Float32Array | number[], q: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
}

/** The largest share of a framed page's pixels that may be of the other shade (the digit's strokes). */
const MAX_PAGE_INK = 0.25;

/**
 * A frame around the paper (a photo of a white page on a dark table, a scan's dark margin, a white mat
 * around a dark picture): the outermost rings of pixels all one even shade, and further in, a ring of the
 * opposite polarity. Judged from the outer border, the frame would be the paper and the paper ink. When
 * one is found, its rings (and up to two rings of blur between it and the paper) are painted the paper's
 * shade, in place, so that everything after sees the page alone. Only for images 24 pixels or more a
 * side, and a frame at most a sixth of the shorter side deep; a digit touching the border makes the outer
 * ring uneven, so it is never taken for a frame; nor is a margin round a bold digit cropped close or round
 * a box printed on a form, since inside such a ring the other shade is far more than a digit's strokes.
 */
function paintFrame(grey: Float32Array, w: number, h: number): void {
  if (Math.min(w, h) < 24) return;
  const deepest = Math.floor(Math.min(w, h) / 6);
  // Each ring's 10th, 50th and 90th percentiles, from one sort, once per ring (a plain page walks every
  // ring down to `deepest` before it is known to have no frame).
  const rings: { p10: number; p50: number; p90: number }[] = [];
  const ring = (d: number) => {
    if (rings[d]) return rings[d];
    const values = new Float32Array(2 * (w - 2 * d) + 2 * Math.max(0, h - 2 - 2 * d));
    let k = 0;
    for (let x = d; x < w - d; x++) {
      values[k++] = grey[d * w + x];
      values[k++] = grey[(h - 1 - d) * w + x];
    }
    for (let y = d + 1; y < h - 1 - d; y++) {
      values[k++] = grey[y * w + d];
      values[k++] = grey[y * w + w - 1 - d];
    }
    values.sort();
    const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * (values.length - 1))))];
    rings[d] = { p10: at(0.1), p50: at(0.5), p90: at(0.9) };
    return rings[d];
  };
  const even = (r: { p10: number; p90: number }) => r.p90 - r.p10 < 0.2;
  const outer = ring(0);
  if (!even(outer)) return;
  const frame = outer.p50;
  let depth = 0; // rings of the frame itself
  while (depth + 1 <= deepest) {
    const r = ring(depth + 1);
    if (!even(r) || Math.abs(r.p50 - frame) > 0.15) break;
    depth++;
  }
  // The paper: within two rings past the frame, a ring whose shade is of the other polarity, far from the
  // frame's, and the same in the ring inside it (a ring of blur is halfway, and the next one is not).
  for (let d = depth + 1; d <= Math.min(deepest, depth + 3); d++) {
    const edge = ring(d);
    const paper = edge.p50;
    if (Math.abs(paper - frame) <= 0.35 || paper > 0.5 === frame > 0.5 || !even(edge)) continue;
    if (Math.abs(ring(d + 1).p50 - paper) > 0.1) continue;
    // And the page is nearly all of what is inside, the digit's strokes a small part of it. A white margin
    // round a bold digit cropped close (its strokes hug the box) or round a box printed on a form, with
    // a digit in it, is an even ring too, but inside it the other shade is a large part: not a page.
    let other = 0;
    let inside = 0;
    for (let y = d; y < h - d; y++)
      for (let x = d; x < w - d; x++) {
        inside++;
        if (grey[y * w + x] > 0.5 !== paper > 0.5) other++;
      }
    if (other > MAX_PAGE_INK * inside) return;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) if (Math.min(x, y, w - 1 - x, h - 1 - y) < d) grey[y * w + x] = paper;
    return;
  }
}

/**
 * Ink in [0, 1] per pixel (1 = the darkest or lightest stroke), whatever the polarity, the paper's shade,
 * the contrast and the lighting. The paper's polarity comes from the border (inside a frame, if the
 * picture has one: paintFrame); its level is estimated
 * locally, on a grid of cells, so a shadow across a photo is paper and not ink. Background noise below a
 * quarter of the ink's strength is cleared.
 */
export function inkOf(img: RgbaPixels): Float32Array {
  const { width: w, height: h } = img;
  const grey = greyOf(img);
  paintFrame(grey, w, h);
  const border: number[] = [];
  for (let x = 0; x < w; x++) border.push(grey[x], grey[(h - 1) * w + x]);
  for (let y = 0; y < h; y++) border.push(grey[y * w], grey[y * w + w - 1]);
  const lightPaper = quantile(border, 0.5) > 0.5;
  // Work on "darkness" (ink bright), so light paper and dark paper are one case.
  const dark = lightPaper ? grey.map((v) => 1 - v) : grey;
  // Paper level: from the border when it is even; otherwise per cell, the 30th percentile of darkness
  // (paper is most of a cell), smoothed and interpolated. Images under 24 pixels a side take the border's.
  const paper = new Float32Array(w * h);
  const edge = lightPaper ? border.map((v) => 1 - v) : border;
  // An evenly lit border means evenly lit paper: one level. A shadow shows as a spread along the border.
  if (Math.min(w, h) < 24 || quantile(edge, 0.9) - quantile(edge, 0.1) < 0.12) {
    paper.fill(quantile(edge, 0.5));
  } else {
    const cells = 8;
    const level = new Float32Array(cells * cells);
    for (let cy = 0; cy < cells; cy++)
      for (let cx = 0; cx < cells; cx++) {
        const vals: number[] = [];
        for (let y = Math.floor((cy * h) / cells); y < Math.floor(((cy + 1) * h) / cells); y++)
          for (let x = Math.floor((cx * w) / cells); x < Math.floor(((cx + 1) * w) / cells); x++)
            vals.push(dark[y * w + x]);
        level[cy * cells + cx] = quantile(vals, 0.3);
      }
    // A cell under a thick stroke reads darker than the cells around it: it takes their median instead.
    // A shadow darkens neighbours alike, so it is kept.
    const smooth = new Float32Array(cells * cells);
    for (let cy = 0; cy < cells; cy++)
      for (let cx = 0; cx < cells; cx++) {
        const around: number[] = [];
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const [x, y] = [cx + dx, cy + dy];
            if ((dx || dy) && x >= 0 && y >= 0 && x < cells && y < cells) around.push(level[y * cells + x]);
          }
        const median = quantile(around, 0.5);
        smooth[cy * cells + cx] = level[cy * cells + cx] > median + 0.1 ? median : level[cy * cells + cx];
      }
    for (let y = 0; y < h; y++) {
      const v = ((y + 0.5) / h) * cells - 0.5; // past the outer cells' centres: extrapolated
      const j = Math.max(0, Math.min(cells - 2, Math.floor(v)));
      const b = v - j;
      for (let x = 0; x < w; x++) {
        const u = ((x + 0.5) / w) * cells - 0.5;
        const i = Math.max(0, Math.min(cells - 2, Math.floor(u)));
        const a = u - i;
        const k = j * cells + i;
        paper[y * w + x] =
          (1 - a) * (1 - b) * smooth[k] +
          a * (1 - b) * smooth[k + 1] +
          (1 - a) * b * smooth[k + cells] +
          a * b * smooth[k + cells + 1];
      }
    }
  }
  const ink = new Float32Array(w * h);
  // Light falls on paper and ink alike: on light paper, ink is the share of the paper's light it takes
  // away (1 - grey / paper), so a shadow changes nothing. On dark paper, light ink adds to it.
  for (let i = 0; i < ink.length; i++) {
    ink[i] = lightPaper
      ? Math.max(0, 1 - (1 - dark[i]) / Math.max(0.02, 1 - paper[i]))
      : Math.max(0, dark[i] - paper[i]);
  }
  // Contrast: the strongest ink (a high percentile of the inked pixels, so one hot pixel does not set it) is 1.
  const inked = ink.filter((v) => v > 0.02);
  if (inked.length === 0) return ink;
  const strong = Math.max(quantile(inked, 0.95), ink.reduce((a, b) => Math.max(a, b), 0) * 0.5);
  if (strong < 0.05) return new Float32Array(w * h);
  const floor = 0.1;
  for (let i = 0; i < ink.length; i++) ink[i] = Math.min(1, Math.max(0, (ink[i] / strong - floor) / (1 - floor)));
  return ink;
}
