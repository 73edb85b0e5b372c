// Hand-like digits (bench/robust/drawn.mjs: 22 forms of the ten digits, each by synthetic writers) drawn
// with the mouse in <neurite-draw-digit> on the /demo page, read by the widget's own prediction path: the
// committed demo model reads most of them, the widget's digit and probability are what the same pad
// pixels give through prepareDigit and the model in Node, and the pad in the docs gives the very pixels
// that `pnpm bench robust` draws on its own page for its 'docs canvas' rows.
import { join } from 'node:path';
import { useBackend } from '@neurite/core';
import { prepareDigit } from '@neurite/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskewOf } from '../apps/mnist-cli/dist/checkpoint.js';
import { classify } from '../apps/mnist-cli/dist/inference.js';
import { loadMnistModel } from '../apps/mnist-cli/dist/models.js';
// @ts-expect-error: an .mjs module of the bench, without types
import { drawnDigits, drawOnPad, drawStrokes, FORMS, greyToRgba, padGrey } from '../bench/robust/drawn.mjs';
import { type DocsSite, openDocsSite, root, watchedPage, widgetPredicted } from './docs-harness.js';

const W = 'neurite-draw-digit';

interface Drawing {
  label: number;
  form: string;
  writer: string;
  strokes: number[][][];
}

interface Read {
  drawing: Drawing;
  backend: string;
  digit: number;
  percent: number;
  grey: Uint8Array;
}

// Every form by three writers, spread over the 18 (drawnDigits lists writer after writer, form after form).
const all = drawnDigits() as Drawing[];
const forms = FORMS.length as number;
const writers = all.length / forms;
const subset = Array.from({ length: forms }, (_, f) =>
  [0, 6, 12].map((k) => all[((f + k) % writers) * forms + f]),
).flat();
// Measured: the demo model reads 65 of these 66 right (98%; the miss is a 1 with a flag, read as 7), and 393
// of all 396 (the misses: three 1s with a flag, read as 7). Asserted with room for a retrained demo model.
const MIN_ACCURACY = 0.9;

/** Opens /demo.html on `backend` and reads each drawing there with the widget. */
async function readOn(site: DocsSite, backend: string, drawings: Drawing[]): Promise<Read[]> {
  const { page, errors, log } = await watchedPage(site.browser);
  await page.goto(`${site.base}/demo.html?backend=${backend}`);
  await page.waitForSelector(`${W} .neurite-status[data-backend=${backend}]`, { timeout: 90_000 });
  await page.waitForSelector(`${W}[data-state=ready]`, { timeout: 90_000 });
  const pad = await page.locator(W).evaluateHandle((el) => (el as unknown as { pad: unknown }).pad);
  const out: Read[] = [];
  for (const drawing of drawings) {
    await page.click(`${W} button[name=clear]`);
    await page.waitForSelector(`${W}[data-state=ready]`);
    const box = await page.locator(`${W} canvas.pad`).boundingBox();
    const before = await page.$eval(W, (el) => Number((el as HTMLElement).dataset.predictions ?? 0));
    await drawStrokes(page, box, drawing.strokes);
    await widgetPredicted(page, backend, before, log);
    const { digit, text } = await page.$eval(W, (el) => ({
      digit: Number((el as HTMLElement).dataset.digit),
      text: el.querySelector('.prediction')?.textContent ?? '',
    }));
    const percent = Number(/([\d.]+)% sure/.exec(text)?.[1]);
    out.push({ drawing, backend, digit, percent, grey: await padGrey(pad) });
  }
  expect(errors).toEqual([]);
  await page.close();
  return out;
}

/** The demo model in Node on the pad pixels, as `neurite-mnist predict` reads a picture: digit and probability. */
async function inNode(reads: Read[]): Promise<{ digit: number; p: number }[]> {
  const { model, batchSize, temperature } = await loadMnistModel(join(root, 'apps', 'docs', 'demo', 'model'), 'test');
  const digits = reads.map((r) => prepareDigit(greyToRgba(r.grey)));
  const probs = await classify(model, digits, { batchSize, temperature, deskew: deskewOf(model) });
  model.dispose();
  return reads.map((_, i) => {
    const row = Array.from(probs.subarray(i * 10, i * 10 + 10));
    const digit = row.indexOf(Math.max(...row));
    return { digit, p: row[digit] };
  });
}

let site: DocsSite;

describe('digits drawn by synthetic writers on the draw-a-digit page', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    site = await openDocsSite();
  }, 600_000);

  afterAll(async () => {
    await site?.close();
  });

  it('reads every form on wasm (three pages at once), cpu and webgpu as the model does in Node, from the pixels the bench draws', async () => {
    expect(subset).toHaveLength(66);
    expect(new Set(subset.map((d) => `${d.label} ${d.form}`)).size).toBe(forms);
    // Drawing waits on frames (one mouse event each), not on the CPU: the wasm subset goes over three pages.
    const every = (n: number, from = 0) => subset.filter((_, i) => i % n === from);
    const [wasm, cpu, webgpu] = await Promise.all([
      Promise.all([0, 1, 2].map((t) => readOn(site, 'wasm', every(3, t)))).then((r) => r.flat()),
      readOn(site, 'cpu', every(11)),
      readOn(site, 'webgpu', every(33, 5)),
    ]);
    expect([wasm.length, cpu.length, webgpu.length]).toEqual([66, 6, 2]);
    const reads = [...wasm, ...cpu, ...webgpu];

    const right = wasm.filter((r) => r.digit === r.drawing.label);
    const wrong = wasm.filter((r) => r.digit !== r.drawing.label);
    const named = wrong.map((r) => `${r.drawing.label} ${r.drawing.form} (${r.drawing.writer}) -> ${r.digit}`);
    expect(right.length / wasm.length, named.join('; ')).toBeGreaterThanOrEqual(MIN_ACCURACY);

    // The widget's digit and its calibrated probability (shown to 0.1%) are the Node reading of its own pixels.
    const node = await inNode(reads);
    for (const [i, r] of reads.entries()) {
      const what = `${r.drawing.label} ${r.drawing.form} (${r.drawing.writer}) on ${r.backend}`;
      expect(r.digit, what).toBe(node[i].digit);
      expect(Math.abs(r.percent - 100 * node[i].p), what).toBeLessThanOrEqual(0.06);
    }

    // The bench's own pad page (pad.ts alone, bundled) gives the pixels of the docs' pad for the same strokes,
    // up to a few antialiased edge pixels: a busy page (the widget predicts after each stroke) now and then
    // gets two moves in one frame, and the pad strokes once an event. Measured: at most 15 of 78,400 pixels,
    // and 0.025 in the prepared digit.
    const bench = await drawOnPad(
      wasm.map((r) => r.drawing),
      { browser: site.browser },
    );
    for (const [i, r] of wasm.entries()) {
      const what = `${r.drawing.label} ${r.drawing.form} (${r.drawing.writer})`;
      let differ = 0;
      for (let j = 0; j < r.grey.length; j++) if (r.grey[j] !== bench[i][j]) differ++;
      expect(differ, what).toBeLessThanOrEqual(100);
      const [a, b] = [prepareDigit(greyToRgba(r.grey)), prepareDigit(greyToRgba(bench[i]))];
      expect(Math.max(...a.map((v, j) => Math.abs(v - b[j]))), what).toBeLessThanOrEqual(0.1);
    }
  }, 300_000);
});
