// The in-page trainer (/train.html, <neurite-mnist-trainer>) in headless Chromium, as a learner uses it:
// the default run on wasm trains the CNN on the real MNIST (served by the site) in a Web Worker and
// reaches 97% on the test digits while the page's main thread never runs a task over 50 ms; the curves,
// the confusion matrix, the activations, the histograms and the mistakes update; a digit drawn after
// training is read right. Short runs on cpu (pause, resume, stop) and webgpu, and on 2 wasm threads.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocsSite, openDocsSite, shots, watchedPage } from './docs-harness.js';

const T = 'neurite-mnist-trainer';
let site: DocsSite;

const state = (page: Page) => page.$eval(T, (el) => ({ ...(el as HTMLElement).dataset }));

async function open(viewport?: { width: number; height: number }) {
  const w = await watchedPage(site.browser, viewport);
  await w.page.goto(`${site.base}/train.html`);
  await w.page.waitForSelector(`${T}[data-state=idle]`, { timeout: 90_000 });
  return w;
}

async function settings(page: Page, backend: string, values: Record<string, string | number>): Promise<void> {
  await page.click(`${T} .neurite-switcher button[data-backend=${backend}]`);
  for (const [k, v] of Object.entries(values)) await page.fill(`${T} input[name=${k}]`, String(v));
}

/** Waits for the run to end (done or stopped); on a timeout, says where it was. */
async function finished(page: Page, timeout: number, log: string[]): Promise<Record<string, string | undefined>> {
  await page
    .waitForSelector(`${T}:is([data-state=done], [data-state=stopped], [data-state=failed])`, { timeout })
    .catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${JSON.stringify(await state(page))}\n${log.slice(-20).join('\n')}`);
    });
  const s = await state(page);
  if (s.state === 'failed')
    throw new Error(`training failed: ${await page.$eval(`${T} .result`, (e) => e.textContent)}`);
  return s;
}

/** Draws strokes (in the 196 x 196 pad's pixels) and returns the digit the trained model reads. */
async function drawAndPredict(page: Page, stroke: [number, number][]): Promise<string | undefined> {
  await page.locator(`${T} canvas.pad`).scrollIntoViewIfNeeded();
  const box = await (await page.$(`${T} canvas.pad`))?.boundingBox();
  if (!box) throw new Error('no drawing pad');
  const sx = box.width / 196;
  await page.mouse.move(box.x + stroke[0][0] * sx, box.y + stroke[0][1] * sx);
  await page.mouse.down();
  for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x * sx, box.y + y * sx, { steps: 15 });
  await page.mouse.up();
  await page.click(`${T} button[name=predict]`);
  await page.waitForSelector(`${T} .prediction[data-digit]`, { timeout: 30_000 });
  return page.$eval(`${T} .prediction`, (e) => (e as HTMLElement).dataset.digit);
}

describe('the in-page MNIST trainer', () => {
  beforeAll(async () => {
    site = await openDocsSite();
  }, 600_000);
  afterAll(async () => {
    await site?.close();
  });

  it('trains the CNN on wasm in a Web Worker to >= 97% with its default run, the main thread never blocked over 50 ms', async () => {
    const { page, errors, log } = await open();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.click(`${T} .neurite-switcher button[data-backend=wasm]`);
    // The defaults as the page ships them: 2 epochs of all 60,000 training digits, scored on all 10,000.
    const fields = await page.$$eval(`${T} input`, (els) =>
      Object.fromEntries(els.map((e) => [(e as HTMLInputElement).name, (e as HTMLInputElement).value])),
    );
    expect(fields).toMatchObject({ epochs: '2', trainImages: '60000', testImages: '10000', batchSize: '64' });
    await page.click(`${T} button[name=train]`);
    // The curves move while it trains.
    await page.waitForFunction((t) => Number((document.querySelector(t) as HTMLElement).dataset.chartUpdates) >= 3, T, {
      timeout: 120_000,
    });
    const s = await finished(page, 400_000, log);
    const report = JSON.stringify(s);
    expect(s.state, report).toBe('done');
    expect(s.backend).toBe('wasm');
    expect(Number(s.testAccuracy), report).toBeGreaterThanOrEqual(0.97);
    // The Long Tasks API reports every main-thread task over 50 ms; none while training.
    expect(Number(s.longestTask), report).toBeLessThanOrEqual(50);
    expect(s.longTasks, report).toBe('0');
    expect(s.epochsDone).toBe('2');
    expect(s.confusionEpoch).toBe('2');
    expect(s.histogramEpoch).toBe('2');
    expect(Number(s.mapUpdates)).toBeGreaterThanOrEqual(10); // every 100 batches of 938, twice, and at each epoch's end
    expect(Number(s.chartUpdates)).toBeGreaterThan(10);
    expect(Number(s.samplesPerSecond)).toBeGreaterThan(0);
    // The confusion matrix holds the 10,000 test digits, and its diagonal is the accuracy reported.
    const cells = await page.$$eval(`${T} .confusion svg text`, (ts) => ts.map((t) => t.textContent ?? ''));
    expect(cells.length).toBeGreaterThan(100);
    // Every weight has both histograms, over a real range; the mistakes gallery shows what it reports.
    const ranges = await page.$$eval(`${T} .histogram-row`, (rows) =>
      rows.map((r) => [(r as HTMLElement).dataset.weights, (r as HTMLElement).dataset.gradients]),
    );
    expect(ranges).toHaveLength(6);
    for (const [w, g] of ranges) {
      const [wl, wh] = (w ?? '').split(' ').map(Number);
      const [gl, gh] = (g ?? '').split(' ').map(Number);
      expect(wh).toBeGreaterThan(wl);
      expect(gh).toBeGreaterThanOrEqual(gl);
    }
    const shown = await page.$$eval(`${T} .mistakes figure:not([hidden]) figcaption`, (cs) =>
      cs.map((c) => c.textContent),
    );
    expect(shown).toHaveLength(Number(s.mistakes));
    expect(shown[0]).toMatch(/^\d read as \d \(\d+%\)$/);
    await page.screenshot({ path: `${shots}docs-train-wasm.png`, fullPage: true });
    // Then the model just trained reads a drawn 1.
    expect(
      await drawAndPredict(page, [
        [98, 25],
        [98, 170],
      ]),
    ).toBe('1');
    await page.locator(`${T} section.try`).screenshot({ path: `${shots}docs-train-predict.png` });
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);

  it('pauses, resumes and stops between batches on cpu', async () => {
    const { page, errors, log } = await open();
    await settings(page, 'cpu', { trainImages: 2560, testImages: 500, epochs: 5 });
    await page.click(`${T} button[name=train]`);
    await page.waitForSelector(`${T}[data-state=training][data-backend=cpu]`, { timeout: 120_000 });
    await page.waitForFunction((t) => Number((document.querySelector(t) as HTMLElement).dataset.chartUpdates) >= 2, T, {
      timeout: 120_000,
    });
    // No model to ask while a run goes.
    expect(await page.$eval(`${T} button[name=predict]`, (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await page.click(`${T} button[name=pause]`);
    await page.waitForSelector(`${T}[data-state=paused]`, { timeout: 30_000 });
    const held = await page.$eval(`${T} .result`, (e) => e.textContent);
    await page.waitForTimeout(1500);
    expect(await page.$eval(`${T} .result`, (e) => e.textContent)).toBe(held);
    expect(await page.$eval(`${T} button[name=pause]`, (e) => e.textContent)).toBe('Resume');
    await page.click(`${T} button[name=pause]`);
    await page.waitForSelector(`${T}[data-state=training]`, { timeout: 30_000 });
    await page.click(`${T} button[name=stop]`);
    const s = await finished(page, 120_000, log);
    expect(s.state).toBe('stopped');
    expect(Number(s.epochsDone ?? 0)).toBeLessThan(5);
    expect(await page.$eval(`${T} .result`, (e) => e.textContent)).toMatch(/^Stopped: /);
    expect(Number(s.testAccuracy)).toBeGreaterThan(0.1);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('trains on webgpu, and on 2 wasm threads (the page is cross-origin isolated)', async () => {
    const { page, errors, log } = await open();
    await settings(page, 'webgpu', { trainImages: 256, testImages: 200, epochs: 1 });
    await page.click(`${T} button[name=train]`);
    let s = await finished(page, 300_000, log);
    expect(s.backend).toBe('webgpu');
    expect(s.confusionEpoch).toBe('1');
    expect(Number(s.testAccuracy)).toBeGreaterThan(0.1);
    await page.screenshot({ path: `${shots}docs-train-webgpu.png`, fullPage: false });

    await settings(page, 'wasm', { trainImages: 1280, testImages: 500, epochs: 1 });
    await page.selectOption(`${T} select[name=threads]`, '2');
    await page.click(`${T} button[name=train]`);
    s = await finished(page, 120_000, log);
    expect(s).toMatchObject({ backend: 'wasm', threads: '2', state: 'done' });
    expect(Number(s.testAccuracy)).toBeGreaterThan(0.5);
    expect(errors).toEqual([]);
    await page.close();
  }, 420_000);

  it('refuses settings out of range with a message, and lays out on a phone and in dark mode', async () => {
    const { page, errors } = await open({ width: 390, height: 900 });
    await settings(page, 'wasm', { epochs: 0 });
    await page.click(`${T} button[name=train]`);
    await page.waitForSelector(`${T}[data-state=refused]`);
    expect(await page.$eval(`${T} .result`, (e) => e.textContent)).toBe(
      'Cannot train: epochs must be a whole number from 1 to 20; received 0.',
    );
    await settings(page, 'wasm', { epochs: 2, learningRate: 5 });
    await page.click(`${T} button[name=train]`);
    expect(await page.$eval(`${T} .result`, (e) => e.textContent)).toBe(
      'Cannot train: learningRate must be a number from 0.000001 to 1; received 5.',
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${shots}docs-train-390.png`, fullPage: true });
    await page.evaluate(() => localStorage.setItem('vitepress-theme-appearance', 'dark'));
    await page.reload();
    await page.waitForSelector(`${T}[data-state=idle]`);
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await page.screenshot({ path: `${shots}docs-train-dark.png`, fullPage: false });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
