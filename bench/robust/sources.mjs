// The robustness benchmark's digits: each case is { source, variant, label, image } with image an RGBA
// picture as a user would hand it to `neurite-mnist predict` (any size, any polarity). Everything is
// drawn from fixed seeds, so every run and machine sees the same pictures.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { createRng } from '@neurite/core';
import { blurImage, loadMnist, resizeImage, strokeImage, transformImage } from '@neurite/datasets';
import { debianPackage, findFiles } from './debian.mjs';
import { fillPath } from './raster.mjs';

const require = createRequire(import.meta.url);

/** Debian's handwriting-style fonts with Latin digits (package -> the files used; all of them when omitted). */
export const FONT_PACKAGES = [
  'fonts-breip',
  'fonts-bwht',
  'fonts-comic-neue',
  'fonts-dancingscript',
  'fonts-dkg-handwriting',
  'fonts-ecolier-court',
  'fonts-femkeklaver',
  'fonts-humor-sans',
  'fonts-kaushanscript',
  'fonts-kiloji',
  'fonts-kristi',
  'fonts-leckerli-one',
  'fonts-rufscript',
  'fonts-seto',
  'fonts-sjfonts',
  'fonts-yusei-magic',
];

/** A grey ink image (1 = ink) as RGBA: ink colour over paper colour, both grey levels in [0, 1]. */
export function toRgba(ink, width, height, { paper = 1, inkLevel = 0, background } = {}) {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const p = background ? background[i] : paper;
    const v = Math.round(255 * Math.min(1, Math.max(0, p + Math.min(1, ink[i]) * (inkLevel - p))));
    data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = v;
    data[4 * i + 3] = 255;
  }
  return { width, height, data };
}

/** Digits 0-9 from each handwriting font: upright, and turned 8 degrees each way; black on white, 96 px. */
export function fontCases() {
  const opentype = require('opentype.js');
  const cases = [];
  for (const pkg of FONT_PACKAGES) {
    for (const file of findFiles(debianPackage(pkg), /\.(ttf|otf)$/i)) {
      let font;
      try {
        font = opentype.loadSync(file);
      } catch {
        continue;
      }
      const name = file
        .split('/')
        .pop()
        .replace(/\.(ttf|otf)$/i, '');
      for (let digit = 0; digit <= 9; digit++) {
        const glyph = font.charToGlyph(String(digit));
        if (!glyph || glyph.index === 0) continue;
        for (const degrees of [0, -8, 8]) {
          const path = glyph.getPath(0, 0, 96);
          const box = path.getBoundingBox();
          if (!(box.x2 > box.x1 && box.y2 > box.y1)) continue;
          const side = Math.ceil(Math.max(box.x2 - box.x1, box.y2 - box.y1) * 1.5);
          const [cx, cy] = [(box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2];
          const t = (degrees * Math.PI) / 180;
          const [c, s] = [Math.cos(t), Math.sin(t)];
          const place = (x, y) => [side / 2 + c * (x - cx) - s * (y - cy), side / 2 + s * (x - cx) + c * (y - cy)];
          const commands = path.commands.map((k) => {
            const q = { ...k };
            for (const [a, b] of [
              ['x', 'y'],
              ['x1', 'y1'],
              ['x2', 'y2'],
            ]) {
              if (k[a] !== undefined) [q[a], q[b]] = place(k[a], k[b]);
            }
            return q;
          });
          const ink = fillPath(commands, side, side);
          cases.push({
            source: 'fonts',
            variant: `${pkg.replace(/^fonts-/, '')}/${name}`,
            label: digit,
            image: toRgba(ink, side, side),
          });
        }
      }
    }
  }
  return cases;
}

/**
 * UCI's optical digits (Alpaydin and Kaynak, 1998): 1,797 digits written by 43 people on NIST forms, as
 * 8 x 8 counts of ink in 4 x 4 blocks; the copy in Debian's python3-sklearn (datasets/data/digits.csv.gz).
 */
export function uciCases() {
  const [file] = findFiles(debianPackage('python3-sklearn'), /^digits\.csv\.gz$/);
  const rows = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
  return rows.map((line) => {
    const v = line.split(',').map(Number);
    const ink = Float32Array.from(v.slice(0, 64), (x) => x / 16);
    return {
      source: 'uci 8x8',
      variant: 'as written',
      label: v[64],
      image: toRgba(ink, 8, 8, { paper: 0, inkLevel: 1 }),
    };
  });
}

/** The degradations of MNIST test digits: what a camera, a scanner or another pen does to a digit. */
export const DEGRADATIONS = [
  'as in MNIST',
  'dark on paper',
  'resolution 14 px',
  'resolution 10 px',
  'blur',
  'thin pen',
  'thick pen',
  'low contrast',
  'shadow',
  'noise',
  'turned 15°',
  'small, off centre',
  'specks',
  'stretched to 16 px',
  'page on a table',
];

/** MNIST test digits 0-999 under each degradation (a fixed seed per degradation). */
export async function mnistCases(count = 1000) {
  const { test } = await loadMnist({ limit: count });
  const n = Math.min(count, test.count);
  const cases = [];
  for (const [d, variant] of DEGRADATIONS.entries()) {
    const rng = createRng(1000 + d);
    for (let i = 0; i < n; i++) {
      const label = test.labels[i];
      const digit = test.images.slice(i * 784, (i + 1) * 784);
      cases.push({ source: 'mnist degraded', variant, label, image: degrade(variant, digit, rng) });
    }
  }
  return cases;
}

/** One MNIST digit (28 x 28 ink) under one degradation, as an RGBA picture. */
export function degrade(variant, digit, rng) {
  const big = resizeImage(digit, 28, 28, 84, 84); // a 3x photo of the digit
  const normal = () => {
    const u = 1 - rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  switch (variant) {
    case 'as in MNIST':
      return toRgba(digit, 28, 28, { paper: 0, inkLevel: 1 });
    case 'dark on paper':
      return toRgba(big, 84, 84, { paper: 0.95, inkLevel: 0.1 });
    case 'resolution 14 px':
      return toRgba(resizeImage(digit, 28, 28, 14, 14), 14, 14, { paper: 1, inkLevel: 0 });
    case 'resolution 10 px':
      return toRgba(resizeImage(digit, 28, 28, 10, 10), 10, 10, { paper: 1, inkLevel: 0 });
    case 'blur':
      return toRgba(blurImage(big, 84, 84, 4), 84, 84, { paper: 0.95, inkLevel: 0.1 });
    case 'thin pen':
      return toRgba(strokeImage(big, 84, 84, -4), 84, 84, { paper: 0.95, inkLevel: 0.1 });
    case 'thick pen':
      return toRgba(strokeImage(big, 84, 84, 8), 84, 84, { paper: 0.95, inkLevel: 0.1 });
    case 'low contrast':
      return toRgba(big, 84, 84, { paper: 0.75, inkLevel: 0.55 });
    case 'shadow': {
      // Paper lit from one corner: from 0.95 down to 0.45 across the picture.
      const angle = rng.uniform(0, 2 * Math.PI);
      const bg = new Float32Array(84 * 84);
      for (let y = 0; y < 84; y++)
        for (let x = 0; x < 84; x++) {
          const t = ((x - 41.5) * Math.cos(angle) + (y - 41.5) * Math.sin(angle)) / 59 / 2 + 0.5;
          bg[y * 84 + x] = 0.95 - 0.5 * Math.min(1, Math.max(0, t));
        }
      return toRgba(big, 84, 84, { background: bg, inkLevel: 0.05 });
    }
    case 'noise': {
      const bg = new Float32Array(84 * 84);
      for (let i = 0; i < bg.length; i++) bg[i] = 0.85 + 0.12 * normal();
      return toRgba(big, 84, 84, { background: bg, inkLevel: 0.15 });
    }
    case 'turned 15°': {
      const turned = transformImage(big, 84, 84, { rotationDegrees: rng.next() < 0.5 ? -15 : 15 });
      return toRgba(turned, 84, 84, { paper: 0.95, inkLevel: 0.1 });
    }
    case 'small, off centre': {
      // A 28-42 px digit somewhere in a 160 x 160 photo.
      const side = 28 + rng.int(15);
      const small = resizeImage(digit, 28, 28, side, side);
      const frame = new Float32Array(160 * 160);
      const [ox, oy] = [rng.int(160 - side), rng.int(160 - side)];
      for (let y = 0; y < side; y++)
        for (let x = 0; x < side; x++) frame[(oy + y) * 160 + ox + x] = small[y * side + x];
      return toRgba(frame, 160, 160, { paper: 0.95, inkLevel: 0.1 });
    }
    case 'specks': {
      // Dust on the scanner: four dots of 2-4 px away from the digit's centre.
      const img = big.slice();
      for (let k = 0; k < 4; k++) {
        const r = 1 + rng.next() * 1.5;
        const edge = rng.int(4);
        const along = rng.uniform(4, 80);
        const across = rng.uniform(2, 8);
        const [cx, cy] = [
          [along, across],
          [along, 84 - across],
          [across, along],
          [84 - across, along],
        ][edge];
        for (let y = Math.floor(cy - r); y <= cy + r; y++)
          for (let x = Math.floor(cx - r); x <= cx + r; x++)
            if (x >= 0 && y >= 0 && x < 84 && y < 84 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r) img[y * 84 + x] = 1;
      }
      return toRgba(img, 84, 84, { paper: 0.95, inkLevel: 0.1 });
    }
    case 'stretched to 16 px': {
      // A form reader's size normalisation (USPS's 16 x 16, NIST's 32 x 32 behind UCI's digits): the ink's
      // box stretched to fill the square, whatever its shape, so a 1 comes out as a wide bar.
      let [x0, y0, x1, y1] = [28, 28, -1, -1];
      for (let y = 0; y < 28; y++)
        for (let x = 0; x < 28; x++)
          if (digit[y * 28 + x] > 0.1)
            [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
      const box = new Float32Array(w * h);
      for (let y = 0; y < h; y++) box.set(digit.subarray((y0 + y) * 28 + x0, (y0 + y) * 28 + x0 + w), y * w);
      return toRgba(resizeImage(box, w, h, 16, 16), 16, 16, { paper: 1, inkLevel: 0 });
    }
    case 'page on a table': {
      // The photo of the page inside a wider shot: 8 px of dark table all round, its edge a pixel of blur.
      const table = rng.uniform(0.05, 0.35);
      const bg = new Float32Array(100 * 100);
      const ink = new Float32Array(100 * 100);
      for (let y = 0; y < 100; y++)
        for (let x = 0; x < 100; x++) {
          const d = Math.min(x, y, 99 - x, 99 - y);
          bg[y * 100 + x] = d < 7 ? table + 0.02 * normal() : d === 7 ? (table + 0.95) / 2 : 0.95;
          if (d >= 8) ink[y * 100 + x] = big[(y - 8) * 84 + x - 8];
        }
      return toRgba(ink, 100, 100, { background: bg, inkLevel: 0.1 });
    }
    default:
      throw new Error(`unknown degradation ${variant}`);
  }
}
