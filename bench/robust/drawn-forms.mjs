// The strokes of bench robust's 'docs canvas' digits, from a seeded generator: 22 common forms of the ten
// digits, each drawn by 18 synthetic writers, who differ in slant, size, width, place on the pad, a hand's
// slow drift, the mouse's jitter and how far apart its events come (a fast hand's are far apart, so its
// curves turn into corners). Plain numbers: drawn.mjs draws them on the docs' pad in Chromium.
import { createRng } from '@neurite/core';

/** The pad's side in canvas pixels (pad.ts's SIZE); strokes are given in these pixels. */
export const PAD = 280;

// Templates live in a unit square, x to the right and y down (as on the pad), the digit 1 tall. Angles are
// in degrees, 0 to the right and 90 down, so an angle that grows goes clockwise on the screen.
const rad = (deg) => (deg * Math.PI) / 180;

/** An elliptic arc from angle a0 to a1, a point every 6 degrees. */
function arc(cx, cy, rx, ry, a0, a1) {
  const n = Math.max(2, Math.ceil(Math.abs(a1 - a0) / 6));
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = rad(a0 + ((a1 - a0) * i) / n);
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
  });
}

/** A cubic Bezier curve, 16 pieces. */
function curve(p0, p1, p2, p3) {
  return Array.from({ length: 17 }, (_, i) => {
    const t = i / 16;
    const [a, b, c, d] = [(1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3];
    return [a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]];
  });
}

/** Straight lines through points given as x0, y0, x1, y1, ... */
const poly = (...xy) => Array.from({ length: xy.length / 2 }, (_, i) => [xy[2 * i], xy[2 * i + 1]]);

/** Pieces of one stroke joined end to end (a point shared by two pieces kept once). */
function path(...pieces) {
  const out = [];
  for (const piece of pieces)
    for (const p of piece) {
      const last = out[out.length - 1];
      if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) > 1e-6) out.push(p);
    }
  return out;
}

// A 9's loop, counter-clockwise on the screen from its right side, overshooting or not quite closing.
const nineLoop = (k) => arc(0.47, 0.27, 0.27, 0.26, -15, -375 - k.uniform(-10, 25));
const twoTop = () => arc(0.5, 0.3, 0.3, 0.28, 195, 360);
const fiveBelly = () => arc(0.47, 0.68, 0.3, 0.3, -125, 140);
const threeBelly = (cy, ry) => arc(0.47, cy, 0.32, ry, -110, 150);
// A 1's up-stroke: its length and angle are the writer's.
const flag = (k) => [0.53 - k.uniform(0.1, 0.25), k.uniform(0.1, 0.25), 0.53, 0, 0.5, 1];
const sevenStem = () => poly(0.15, 0.02, 0.85, 0.02, 0.42, 1);
const eight = (k) => {
  // A lemniscate of Gerono with a smaller upper lobe: from the top's right, left and down through the middle.
  const [t0, t1] = [Math.PI / 2 - 0.5, Math.PI / 2 + 2 * Math.PI - 0.4 + k.uniform(0, 0.5)];
  return Array.from({ length: 81 }, (_, i) => {
    const t = t0 + ((t1 - t0) * i) / 80;
    const s = Math.sin(t);
    return [0.5 + (0.26 - 0.04 * s) * Math.sin(2 * t), 0.45 - (s > 0 ? 0.45 : 0.55) * s];
  });
};
const twoWithLoop = (k) => {
  // Down the diagonal into a small loop on the baseline, turning clockwise, and out along the base.
  const r = k.uniform(0.07, 0.11);
  const [cx, cy] = [0.2 + r * 0.7, 0.97 - r];
  const into = curve([0.8, 0.3], [0.8, 0.5], [0.45, 0.72], [cx + r * 0.7, cy + r * 0.7]);
  return path(twoTop(), into, arc(cx, cy, r, r, 45, 330), [[0.85, 0.98]]);
};

/**
 * The forms: each { label, form, strokes(k) }, strokes as polylines in the unit square; k (a seeded
 * generator) varies what a form leaves open, such as how far a loop closes.
 */
export const FORMS = [
  { label: 0, form: 'oval', strokes: (k) => [arc(0.5, 0.5, 0.3, 0.48, -80, -440 - k.uniform(-10, 30))] },
  { label: 0, form: 'narrow, clockwise', strokes: (k) => [arc(0.5, 0.5, 0.19, 0.48, -100, 260 + k.uniform(-10, 30))] },
  { label: 1, form: 'stick', strokes: () => [poly(0.52, 0, 0.5, 0.5, 0.48, 1)] },
  { label: 1, form: 'with flag', strokes: (k) => [poly(...flag(k))] },
  { label: 1, form: 'with flag and base', strokes: (k) => [poly(...flag(k)), poly(0.28, 1, 0.72, 1)] },
  {
    label: 2,
    form: 'plain',
    strokes: () => [path(twoTop(), curve([0.8, 0.3], [0.8, 0.5], [0.4, 0.75], [0.18, 1]), poly(0.18, 1, 0.85, 0.98))],
  },
  { label: 2, form: 'with a loop', strokes: (k) => [twoWithLoop(k)] },
  { label: 3, form: 'round', strokes: () => [path(arc(0.48, 0.27, 0.28, 0.25, 200, 470), threeBelly(0.75, 0.25))] },
  { label: 3, form: 'flat top', strokes: () => [path(poly(0.22, 0.02, 0.75, 0.02, 0.42, 0.4), threeBelly(0.7, 0.29))] },
  { label: 4, form: 'open', strokes: () => [poly(0.32, 0, 0.16, 0.62, 0.85, 0.62), poly(0.66, 0.15, 0.66, 1)] },
  { label: 4, form: 'closed', strokes: () => [poly(0.62, 0, 0.12, 0.66, 0.88, 0.66), poly(0.62, 0, 0.62, 1)] },
  { label: 4, form: 'closed, one stroke', strokes: () => [poly(0.62, 1, 0.62, 0, 0.12, 0.66, 0.88, 0.66)] },
  {
    label: 5,
    form: 'flag last',
    strokes: () => [path(poly(0.3, 0.02, 0.28, 0.44), fiveBelly()), poly(0.3, 0.02, 0.8, 0)],
  },
  { label: 5, form: 'one stroke', strokes: () => [path(poly(0.8, 0, 0.3, 0.02, 0.28, 0.44), fiveBelly())] },
  {
    label: 6,
    form: 'curved stem',
    strokes: (k) => [
      path(
        curve([0.72, 0.02], [0.4, 0.02], [0.18, 0.35], [0.2, 0.71]),
        arc(0.5, 0.71, 0.3, 0.27, 180, k.uniform(-175, -145)),
      ),
    ],
  },
  {
    label: 6,
    form: 'straight stem',
    strokes: (k) => [path([[0.66, 0]], arc(0.5, 0.71, 0.29, 0.27, 195, k.uniform(-170, -140)))],
  },
  { label: 7, form: 'plain', strokes: () => [sevenStem()] },
  { label: 7, form: 'with bar', strokes: () => [sevenStem(), poly(0.4, 0.52, 0.82, 0.5)] },
  { label: 8, form: 'one stroke', strokes: (k) => [eight(k)] },
  {
    label: 8,
    form: 'two loops',
    strokes: (k) => [
      arc(0.5, 0.25, 0.21, 0.24, -90, 270 + k.uniform(-10, 20)),
      arc(0.5, 0.73, 0.28, 0.27, -90, 270 + k.uniform(-10, 20)),
    ],
  },
  { label: 9, form: 'straight tail', strokes: (k) => [path(nineLoop(k), [[0.72, 1]])] },
  {
    label: 9,
    form: 'curved tail',
    strokes: (k) => [path(nineLoop(k), curve([0.74, 0.22], [0.77, 0.65], [0.65, 1], [0.3, 0.95]))],
  },
];

/** A writer's habits: kept across the digits they write. */
function writerStyle(rng) {
  return {
    slant: rng.uniform(-20, 20), // degrees; > 0 leans to the right
    size: rng.uniform(0.4, 0.95), // the digit's height as a share of the pad
    aspect: rng.uniform(0.75, 1.3), // wider or narrower than the template
    offCentre: rng.next(), // how far from the middle they tend to write, as a share of the free room
    spacing: rng.uniform(3, 14), // pad pixels between two mouse events: a frame's travel, the hand's speed
    jitter: rng.uniform(0, 1.5), // pad pixels of noise on each event
    drift: rng.uniform(0.005, 0.035), // a slow wobble of the hand, as a share of the digit's height
  };
}

/** Points every `spacing` pixels along a polyline, keeping its corners (turns of over 40 degrees). */
function resample(points, spacing) {
  const corner = (i) => {
    if (i === 0 || i === points.length - 1) return true;
    const [a, b, c] = [points[i - 1], points[i], points[i + 1]];
    const turn = Math.atan2(c[1] - b[1], c[0] - b[0]) - Math.atan2(b[1] - a[1], b[0] - a[0]);
    return Math.abs(Math.atan2(Math.sin(turn), Math.cos(turn))) > rad(40);
  };
  const out = [points[0]];
  let run = [points[0]];
  for (let i = 1; i < points.length; i++) {
    run.push(points[i]);
    if (!corner(i)) continue;
    const lengths = [0];
    for (let j = 1; j < run.length; j++)
      lengths.push(lengths[j - 1] + Math.hypot(run[j][0] - run[j - 1][0], run[j][1] - run[j - 1][1]));
    const total = lengths[lengths.length - 1];
    const n = Math.max(1, Math.round(total / spacing));
    let j = 1;
    for (let m = 1; m <= n; m++) {
      const at = (total * m) / n;
      while (j < run.length - 1 && lengths[j] < at) j++;
      const t = (at - lengths[j - 1]) / (lengths[j] - lengths[j - 1] || 1);
      out.push([run[j - 1][0] + t * (run[j][0] - run[j - 1][0]), run[j - 1][1] + t * (run[j][1] - run[j - 1][1])]);
    }
    run = [points[i]];
  }
  return out;
}

/** One writer's drawing of one form: strokes in pad pixels, inside the pad with room for the brush. */
function drawForm(form, style, rng) {
  const height = PAD * style.size * rng.uniform(0.9, 1.1);
  const slant = Math.tan(rad(style.slant + rng.uniform(-4, 4)));
  const turn = rad(rng.uniform(-4, 4));
  const [c, s] = [Math.cos(turn), Math.sin(turn)];
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  // The hand's drift: two slow waves along the ink, one sideways and one up and down.
  const waves = Array.from({ length: 2 }, () => ({ length: rng.uniform(0.8, 2), phase: rng.uniform(0, 2 * Math.PI) }));
  let travelled = 0;
  const strokes = form.strokes(rng).map((stroke) => {
    const placed = stroke.map(([u, v]) => {
      const x = (u - 0.5) * style.aspect * height;
      const y = (v - 0.5) * height;
      const sheared = x - y * slant; // the top (y < 0) moves right for a right slant
      return [c * sheared - s * y, s * sheared + c * y];
    });
    return resample(placed, style.spacing).map(([x, y], i, all) => {
      if (i > 0) travelled += Math.hypot(x - all[i - 1][0], y - all[i - 1][1]) / height;
      const [a, b] = waves.map((w) => style.drift * height * Math.sin((2 * Math.PI * travelled) / w.length + w.phase));
      return [x + a + style.jitter * normal(), y + b + style.jitter * normal()];
    });
  });
  // Shrink what would leave the pad (brush radius 11, and a pixel more), then place it off centre.
  const all = strokes.flat();
  const [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [y0, y1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  const room = PAD - 2 * 12;
  const fit = Math.min(1, room / (x1 - x0), room / (y1 - y0));
  const [w, h] = [(x1 - x0) * fit, (y1 - y0) * fit];
  const cx = PAD / 2 + style.offCentre * rng.uniform(-1, 1) * ((room - w) / 2);
  const cy = PAD / 2 + style.offCentre * rng.uniform(-1, 1) * ((room - h) / 2);
  return strokes.map((stroke) =>
    stroke.map(([x, y]) => [cx + (x - (x0 + x1) / 2) * fit, cy + (y - (y0 + y1) / 2) * fit]),
  );
}

/**
 * Every form drawn by every writer, the same for a seed: { label, form, writer, strokes }, strokes as
 * polylines of [x, y] in the pad's pixels (280 x 280), one mouse event (and one frame) a point.
 */
export function drawnDigits({ seed = 1, writers = 18 } = {}) {
  const styles = Array.from({ length: writers }, (_, w) => writerStyle(createRng(seed * 7919 + w)));
  const out = [];
  for (const [w, style] of styles.entries()) {
    for (const [f, form] of FORMS.entries()) {
      const rng = createRng(seed * 1_000_003 + w * 101 + f);
      const writer = `w${String(w + 1).padStart(2, '0')}`;
      const strokes = drawForm(form, style, rng);
      out.push({ label: form.label, form: form.form, writer, strokes });
    }
  }
  return out;
}
