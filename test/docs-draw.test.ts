// The draw-a-digit page (/demo.html, <neurite-draw-digit>) in headless Chromium: digits drawn with the
// mouse are predicted right on cpu, wasm and webgpu (switched with the widget's own buttons, and by
// ?backend= in the address), every layer of the committed model is drawn, and the detail view's
// arithmetic (kernel from weights.bin, patch, products, sums, bias, ReLU; a pooling window's max) gives
// the value the model itself returned at the clicked unit. setModel swaps in a model from memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocsSite, openDocsSite, root, shots, watchedPage, widgetPredicted } from './docs-harness.js';

const W = 'neurite-draw-digit';
const modelDir = join(root, 'apps', 'docs', 'demo', 'model');
const modelJson = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as {
  layers: { config: { name: string } }[];
  weights: { file: string; entries: { path: string; shape: number[]; byteOffset: number }[] };
};
const layerNames = modelJson.layers.map((l) => l.config.name);

/** A weight of the committed model, read straight from its weights file (float32, little-endian). */
function weight(path: string): { values: Float32Array; shape: number[] } {
  const bytes = readFileSync(join(modelDir, modelJson.weights.file));
  const e = modelJson.weights.entries.find((x) => x.path === path);
  if (!e) throw new Error(`no weight ${path} in model.json`);
  const n = e.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = bytes.readFloatLE(e.byteOffset + 4 * i);
  return { values, shape: e.shape };
}

// Strokes in the pad's own 280 x 280 pixels.
const ONE = [
  [
    [140, 40],
    [140, 240],
  ],
];
const SEVEN = [
  [
    [70, 50],
    [210, 50],
    [130, 240],
  ],
];
const ZERO = [
  Array.from({ length: 41 }, (_, i) => [
    140 + 65 * Math.sin((i / 40) * 2 * Math.PI),
    140 - 95 * Math.cos((i / 40) * 2 * Math.PI),
  ]),
];

const predictions = (page: Page) => page.$eval(W, (el) => Number((el as HTMLElement).dataset.predictions ?? 0));

/** Clears the pad, draws the strokes with the mouse (or a finger), and returns the digit predicted on `backend`. */
async function draw(page: Page, strokes: number[][][], backend: string, log: string[], by = 'mouse'): Promise<string> {
  await page.click(`${W} button[name=clear]`);
  await page.waitForSelector(`${W}[data-state=ready]`);
  const box = await page.locator(`${W} canvas.pad`).boundingBox();
  if (!box) throw new Error('no drawing pad');
  const at = ([x, y]: number[]) => ({ x: box.x + (x * box.width) / 280, y: box.y + (y * box.width) / 280 });
  const before = await predictions(page);
  // A finger: Chromium's own touch events (through the DevTools protocol), which it turns into pointer events.
  const cdp = by === 'touch' ? await page.context().newCDPSession(page) : undefined;
  await cdp?.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
  for (const stroke of strokes) {
    if (cdp) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(stroke[0])] });
      for (let i = 1; i < stroke.length; i++) {
        for (let k = 1; k <= 6; k++) {
          const [p, q] = [stroke[i - 1], stroke[i]];
          const point = at([p[0] + ((q[0] - p[0]) * k) / 6, p[1] + ((q[1] - p[1]) * k) / 6]);
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point] });
        }
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    } else {
      await page.mouse.move(at(stroke[0]).x, at(stroke[0]).y);
      await page.mouse.down();
      for (const p of stroke.slice(1)) await page.mouse.move(at(p).x, at(p).y, { steps: 12 });
      await page.mouse.up();
    }
  }
  await cdp?.detach();
  return widgetPredicted(page, backend, before, log);
}

async function switchTo(page: Page, backend: string): Promise<void> {
  await page.click(`${W} button[data-backend=${backend}]`);
  await page.waitForSelector(`${W} .neurite-status[data-backend=${backend}]`, { timeout: 90_000 });
}

/**
 * Clicks unit (channel, y, x) of a layer's map. The map is featureMapGrid's layout: ceil(sqrt(c))
 * tiles per row, 2 pixels between tiles, each value a scale x scale block.
 */
async function clickUnit(page: Page, layer: string, channel: number, y: number, x: number) {
  const section = page.locator(`${W} section[data-layer=${layer}]`);
  const [h, w, c] = JSON.parse(`[${/\[([\d, ]+)\]$/.exec((await section.locator('h4').textContent()) ?? '')?.[1]}]`);
  const canvas = section.locator('canvas');
  // The middle of the window: VitePress's fixed top bar covers the top.
  await canvas.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const width = await canvas.evaluate((el) => (el as HTMLCanvasElement).width);
  const columns = Math.ceil(Math.sqrt(c));
  const scale = (width - (columns - 1) * 2) / (columns * w);
  expect(Number.isInteger(scale), `${layer}: canvas width ${width}`).toBe(true);
  const px = (channel % columns) * (w * scale + 2) + (x + 0.5) * scale;
  const py = Math.floor(channel / columns) * (h * scale + 2) + (y + 0.5) * scale;
  const box = await canvas.boundingBox();
  if (!box) throw new Error(`${layer}: no canvas`);
  await page.mouse.click(box.x + (px * box.width) / width, box.y + (py * box.width) / width);
  const sel = `${W} .unit[data-layer=${layer}][data-channel="${channel}"][data-y="${y}"][data-x="${x}"]`;
  await page.waitForSelector(sel, { timeout: 30_000 }).catch(async (e) => {
    const panel = await page.$eval(`${W} .unit`, (el) => JSON.stringify({ ...(el as HTMLElement).dataset }));
    const state = await page.$eval(W, (el) => JSON.stringify({ ...(el as HTMLElement).dataset }));
    throw new Error(
      `${(e as Error).message}\nclicked ${px}, ${py} of ${width}; box ${JSON.stringify(box)}\npanel ${panel}\nwidget ${state}`,
    );
  });
  return page.$eval(sel, (el) => ({ ...(el as HTMLElement).dataset }));
}

const relu = (v: number) => Math.max(0, v);

/** The panel's arithmetic for a conv unit, against the weights file and the model's own output. */
function checkConv(d: Record<string, string | undefined>, layer: string) {
  const kernel = weight(`${layer}/kernel`);
  const bias = weight(`${layer}/bias`);
  const [kh, kw, cin, filters] = kernel.shape;
  const [k, c] = [Number(d.channel), Number(d.inputChannel)];
  const products = JSON.parse(d.products as string) as number[];
  const patch = JSON.parse(d.patch as string) as number[];
  const shown = JSON.parse(d.kernel as string) as number[];
  const sums = JSON.parse(d.channelSums as string) as number[];
  expect(products).toHaveLength(kh * kw);
  expect(sums).toHaveLength(cin);
  // The kernel is the layer's weights for this filter and input channel; the products are kernel x patch.
  expect(shown).toEqual(Array.from({ length: kh * kw }, (_, t) => kernel.values[(t * cin + c) * filters + k]));
  for (const [t, p] of products.entries()) expect(Math.abs(p - shown[t] * patch[t])).toBeLessThan(1e-6);
  expect(Number(d.bias)).toBe(bias.values[k]);
  expect(Math.abs(products.reduce((a, b) => a + b, 0) - sums[c])).toBeLessThan(1e-5);
  // The sum over every input channel, plus the bias, through ReLU, is the value shown, and it is the
  // model's own output at that unit.
  const value = relu(sums.reduce((a, b) => a + b, 0) + Number(d.bias));
  expect(Math.abs(value - Number(d.value))).toBeLessThan(1e-4);
  expect(Math.abs(Number(d.value) - Number(d.output))).toBeLessThan(1e-4);
  return { z: Number(d.z), output: Number(d.output) };
}

/** Clicks units of a conv layer at (y, x), channel after channel, until one is active (z > 0: ReLU passes it). */
async function checkActiveConvUnit(page: Page, layer: string, y: number, x: number, channels: number) {
  for (let ch = 0; ch < channels; ch++) {
    const d = await clickUnit(page, layer, ch, y, x);
    const { z, output } = checkConv(d, layer);
    if (z > 0.05) {
      expect(output).toBeCloseTo(z, 4);
      // The panel's text says the same numbers.
      const text = await page.$eval(`${W} .unit .check b`, (el) => el.textContent);
      expect(text).toBe(Number(d.output).toFixed(4));
      return d;
    }
    if (z <= 0) expect(output).toBe(0); // ReLU of a negative sum
  }
  throw new Error(`${layer}: no active unit at (${y}, ${x}) in the first ${channels} channels`);
}

async function checkPool(page: Page, layer: string, channel: number, y: number, x: number) {
  checkPoolPanel(await clickUnit(page, layer, channel, y, x));
}

function checkPoolPanel(d: Record<string, string | undefined>) {
  expect(d.kind).toBe('pool');
  const window = JSON.parse(d.window as string) as number[];
  expect(window).toHaveLength(4);
  expect(Number(d.value)).toBe(Math.max(...window));
  expect(Math.abs(Number(d.value) - Number(d.output))).toBeLessThan(1e-6);
}

let site: DocsSite;

describe('the draw-a-digit page', () => {
  beforeAll(async () => {
    site = await openDocsSite();
  }, 600_000);

  afterAll(async () => {
    await site?.close();
  });

  it('predicts drawn digits on cpu, wasm and webgpu, draws every layer, and its detail view adds up', async () => {
    const { page, errors, log } = await watchedPage(site.browser);
    await page.goto(`${site.base}/demo.html`);
    await page.waitForSelector(`${W} .neurite-status[data-backend]`, { timeout: 90_000 });
    await page.waitForSelector(`${W}[data-state=ready]`, { timeout: 90_000 });
    expect(await page.$eval(W, (el) => (el as HTMLElement).dataset.model)).toBe('mnist_cnn');
    expect(await page.textContent(`${W} .model`)).toContain('225,034 parameters');

    await switchTo(page, 'cpu');
    expect(await draw(page, ONE, 'cpu', log)).toBe('1');
    // Every layer of model.json is drawn, in order, after the input.
    expect(
      await page.$$eval(`${W} section[data-layer]`, (els) => els.map((e) => (e as HTMLElement).dataset.layer)),
    ).toEqual(layerNames);
    expect(await page.$$eval(`${W} section[data-input]`, (els) => els.length)).toBe(1);
    const sizes = await page.$$eval(`${W} section canvas`, (els) => els.map((c) => (c as HTMLCanvasElement).width));
    expect(sizes.every((s) => s > 0)).toBe(true);
    expect(await page.$$eval(`${W} .bars rect.bar`, (els) => els.length)).toBe(10);
    await checkActiveConvUnit(page, 'conv1', 13, 13, 32);
    await checkActiveConvUnit(page, 'conv2', 5, 5, 64);
    // Another input channel of the same conv2 unit: its own kernel slice and products.
    await page.selectOption(`${W} .unit select[name=input-channel]`, '7');
    await page.waitForSelector(`${W} .unit[data-input-channel="7"]`);
    checkConv(await page.$eval(`${W} .unit`, (el) => ({ ...(el as HTMLElement).dataset })), 'conv2');
    await checkPool(page, 'pool1', 3, 6, 6);
    await checkPool(page, 'pool2', 5, 2, 2);

    // A backend switch predicts again, the selected unit's panel with it.
    let before = await predictions(page);
    await switchTo(page, 'wasm');
    expect(await widgetPredicted(page, 'wasm', before, log)).toBe('1');
    const panel = await page.$eval(`${W} .unit`, (el) => ({ ...(el as HTMLElement).dataset }));
    expect([panel.layer, panel.channel, panel.y, panel.x]).toEqual(['pool2', '5', '2', '2']);
    checkPoolPanel(panel);
    expect(await draw(page, SEVEN, 'wasm', log)).toBe('7');
    await checkActiveConvUnit(page, 'conv1', 5, 13, 32);
    await checkActiveConvUnit(page, 'conv2', 2, 5, 64);

    before = await predictions(page);
    await switchTo(page, 'webgpu');
    expect(await widgetPredicted(page, 'webgpu', before, log)).toBe('7');
    expect(await draw(page, ONE, 'webgpu', log)).toBe('1');
    await checkActiveConvUnit(page, 'conv1', 13, 13, 32);
    await checkActiveConvUnit(page, 'conv2', 5, 5, 64);
    await checkPool(page, 'pool1', 3, 6, 6);
    await page.screenshot({ path: `${shots}docs-draw-1280.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 360_000);

  it('opens on the backend the address names (the old /demo/index.html too), is drawn on by a finger on a phone, and takes a model from setModel', async () => {
    const { page, errors, log } = await watchedPage(site.browser, { width: 390, height: 844 });
    await page.goto(`${site.base}/demo/index.html?backend=cpu`);
    await page.waitForURL(/\/demo\.html\?backend=cpu$/);
    await page.waitForSelector(`${W} .neurite-status[data-backend=cpu]`, { timeout: 90_000 });
    await page.waitForSelector(`${W}[data-state=ready]`, { timeout: 90_000 });
    // Nothing is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await draw(page, ZERO, 'cpu', log, 'touch')).toBe('0');
    await checkActiveConvUnit(page, 'conv1', 3, 13, 32);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${shots}docs-draw-390-full.png`, fullPage: true });
    await page.$eval(`${W} .unit`, (el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: `${shots}docs-draw-390.png` });

    // setModel: the same weights, loaded through the widget's own loadModel, with digit 3's bias raised.
    const before = await predictions(page);
    const label = await page.evaluate(async (sel) => {
      const el = document.querySelector(sel) as HTMLElement & { setModel(m: unknown, l: string): Promise<void> };
      type Layer = {
        getWeightValues(): Promise<{ values: Float32Array }[]>;
        setWeightValues(v: Float32Array[]): void;
      };
      const C = customElements.get(sel) as unknown as { loadModel(url: string): Promise<{ layers: Layer[] }> };
      const m = await C.loadModel('/demo/model/');
      const out = m.layers[m.layers.length - 1];
      const [kernel, bias] = await out.getWeightValues();
      const raised = Float32Array.from(bias.values);
      raised[3] += 100;
      out.setWeightValues([kernel.values, raised]);
      await el.setModel(m, 'biased toward 3');
      return el.dataset.model;
    }, W);
    expect(label).toBe('biased toward 3');
    expect(await widgetPredicted(page, 'cpu', before, log)).toBe('3');
    expect(await page.textContent(`${W} .model`)).toContain('biased toward 3');
    // A model that cannot read a digit is refused, with the reason on the widget.
    const refused = await page.evaluate(async (sel) => {
      const el = document.querySelector(sel) as HTMLElement & { setModel(m: unknown, l: string): Promise<void> };
      const fake = { inputs: [{ shape: [null, 4] }], outputShape: [null, 2], weights: [], name: 'tiny' };
      return el.setModel(fake, 'tiny').then(
        () => 'accepted',
        (e: Error) => e.message,
      );
    }, W);
    expect(refused).toBe(
      'setModel: This model cannot read a drawn digit. Expected one input [null, 28, 28, 1] and an output [null, 10]. ' +
        'Received: inputs [[null,4]], output [null,2]. Use a model trained on MNIST.',
    );
    expect(await page.textContent(`${W} .error`)).toContain('cannot read a drawn digit');
    expect(await page.isVisible(`${W} .error`)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('refuses an unknown ?backend= with a message, and draws in dark mode', async () => {
    const { page, errors, log } = await watchedPage(site.browser);
    await page.addInitScript(() => localStorage.setItem('vitepress-theme-appearance', 'dark'));
    await page.goto(`${site.base}/demo.html?backend=webgl`);
    await page.waitForSelector(`${W} .neurite-status[data-backend=wasm]`, { timeout: 90_000 });
    expect(await page.textContent(`${W} .note`)).toBe(
      'Unknown backend in the address. Expected ?backend= one of: cpu, wasm, webgpu. Received: ?backend=webgl. ' +
        'Pick one with the buttons, or fix the link.',
    );
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await page.waitForSelector(`${W}[data-state=ready]`, { timeout: 90_000 });
    expect(await page.isVisible(`${W} .note`)).toBe(true); // still there once the model is loaded
    expect(await draw(page, SEVEN, 'wasm', log)).toBe('7');
    await checkActiveConvUnit(page, 'conv2', 2, 5, 64);
    // The maps' borders are the theme's: in dark mode the canvas background is dark.
    const bg = await page.$eval(`${W} section[data-layer=conv1] canvas`, (c) => getComputedStyle(c).backgroundColor);
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(3 * 128);
    await page.screenshot({ path: `${shots}docs-draw-dark.png`, fullPage: true });
    await page.locator(`${W} .unit`).screenshot({ path: `${shots}docs-draw-unit-dark.png` });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
