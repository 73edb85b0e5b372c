// The playground page (docs/playground.md, <neurite-playground> in apps/docs/demo/widgets/playground.ts):
// built, served and driven in headless Chromium. Step trains exactly one batch on cpu, wasm and webgpu
// from the same seeded start; Play lowers the loss on two gaussian blobs until the boundary's pixels
// separate them; clicking an edge and typing a weight changes the model's output; the URL's hash
// round-trips every setting into a fresh page; hostile hashes are clamped or refused with a message.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocsSite, openDocsSite, shots, watchedPage } from './docs-harness.js';

const EL = 'neurite-playground';
let site: DocsSite;

/** Opens the page with `hash` and waits until its model is built and drawn. */
async function open(
  hash: string,
  options: { viewport?: { width: number; height: number }; dark?: boolean } = {},
): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await watchedPage(site.browser, options.viewport);
  if (options.dark) await page.addInitScript(() => localStorage.setItem('vitepress-theme-appearance', 'dark'));
  await page.goto(`${site.base}/playground.html${hash}`);
  await page.waitForSelector(`${EL}[data-state=ready]`, { timeout: 90_000 });
  return { page, errors };
}

const data = (page: Page) => page.$eval(EL, (e) => ({ ...(e as HTMLElement).dataset }));

/** What every control shows, and the network's units per column. */
const controls = (page: Page) =>
  page.$eval(EL, (e) => {
    const value = (name: string) => (e.querySelector(`[name=${name}]`) as HTMLInputElement).value;
    const columns: number[] = [];
    for (const g of e.querySelectorAll<SVGGElement>('.pg-node')) {
      const c = Number(g.dataset.col);
      columns[c] = (columns[c] ?? 0) + 1;
    }
    return {
      dataset: value('dataset'),
      noise: value('noise'),
      seed: value('seed'),
      activation: value('activation'),
      lr: value('lr'),
      batch: value('batch'),
      reg: value('reg'),
      rate: value('rate'),
      features: [...e.querySelectorAll<HTMLInputElement>('input[name=feature]:checked')].map((b) => b.value),
      units: [...e.querySelectorAll('.pg-unit-count b')].map((b) => Number(b.textContent)),
      columns,
    };
  });

/** The boundary canvas's colour at a point of the plane ([-6, 6] on both axes). */
const pixel = (page: Page, x1: number, x2: number) =>
  page.$eval(
    `${EL} canvas.pg-boundary`,
    (c, [a, b]) => {
      const canvas = c as HTMLCanvasElement;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      const x = Math.round(((a + 6) / 12) * canvas.width);
      const y = Math.round(canvas.height - ((b + 6) / 12) * canvas.height);
      return Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
    },
    [x1, x2],
  );

/** Every pixel of the boundary canvas, RGBA. */
const boundary = (page: Page) =>
  page.$eval(`${EL} canvas.pg-boundary`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    return Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data);
  });

/** Clicks edge `layer`/`from`/`to` with the mouse, a fifth of the way along it (where edges are apart). */
async function clickEdge(page: Page, layer: number, from: number, to: number): Promise<void> {
  const sel = `${EL} .pg-hit[data-layer="${layer}"][data-from="${from}"][data-to="${to}"]`;
  await page.$eval(`${EL} .pg-network`, (e) => e.scrollIntoView({ block: 'center' }));
  const at = await page.$eval(sel, (p) => {
    const path = p as SVGPathElement;
    const q = path.getPointAtLength(path.getTotalLength() * 0.2);
    const m = path.getScreenCTM() as DOMMatrix;
    return { x: m.a * q.x + m.c * q.y + m.e, y: m.b * q.x + m.d * q.y + m.f };
  });
  await page.mouse.click(at.x, at.y);
}

const GAUSS = '#dataset=gauss&noise=0&seed=1&layers=2&activation=tanh&lr=0.1&batch=10&reg=none&rate=0&features=x1,x2';

describe('the playground page', () => {
  beforeAll(async () => {
    site = await openDocsSite();
  }, 600_000);

  afterAll(async () => {
    await site?.close();
  });

  it('Step trains one batch on cpu, wasm and webgpu from the same start; Play separates two blobs; an edited edge changes the output', async () => {
    const { page, errors } = await open(GAUSS);
    const starts: number[] = [];
    for (const backend of ['cpu', 'wasm', 'webgpu']) {
      await page.click(`${EL} button[data-backend=${backend}]`);
      await page.waitForSelector(`${EL} .neurite-status[data-backend=${backend}]`, { timeout: 90_000 });
      await page.waitForSelector(`${EL}[data-state=ready][data-backend=${backend}]`, { timeout: 90_000 });
      const before = await data(page);
      expect(before.step, backend).toBe('0'); // a backend switch starts again from the seed's weights
      starts.push(Number(before.trainLoss));
      // The seed fixes the data and the first weights: the same starting loss on every backend.
      expect(Number(before.trainLoss), backend).toBeCloseTo(starts[0], 4);
      expect(Number(before.trainLoss)).toBeGreaterThan(0.5);

      await page.click(`${EL} button[name=step]`);
      await page.waitForFunction((el) => document.querySelector(el)?.getAttribute('data-step') === '1', EL, {
        timeout: 60_000,
      });
      const after = await data(page);
      expect(after.epoch).toBe('0'); // 10 of the 200 training points
      expect(Number(after.trainLoss), backend).toBeLessThan(Number(before.trainLoss) - 0.01);
      expect(Number(after.testLoss), backend).not.toBe(Number(before.testLoss));

      if (backend !== 'webgpu') {
        await page.click(`${EL} button[name=play]`);
        await page.waitForSelector(`${EL}[data-state=playing]`);
        await page.waitForTimeout(2500);
        await page.click(`${EL} button[name=play]`);
        await page.waitForSelector(`${EL}[data-state=ready]`, { timeout: 30_000 });
        const played = await data(page);
        expect(Number(played.step), backend).toBeGreaterThan(40);
        expect(Number(played.trainLoss), backend).toBeLessThan(0.15);
        expect(Number(played.testLoss), backend).toBeLessThan(0.15);
        // The boundary: red (class 1) round the blob at (2, 2), blue round the one at (-2, -2).
        for (const [a, b] of [
          [2, 2],
          [1, 3],
          [3, 1],
        ]) {
          const [r, , bl] = await pixel(page, a, b);
          expect(r - bl, `${backend} at (${a}, ${b})`).toBeGreaterThan(60);
          const [r2, , bl2] = await pixel(page, -a, -b);
          expect(bl2 - r2, `${backend} at (${-a}, ${-b})`).toBeGreaterThan(60);
        }
        if (backend === 'wasm') {
          await page.hover(`${EL} .pg-node[data-col="1"][data-unit="0"]`);
          expect(await page.$eval(`${EL} .pg-inspect-text`, (e) => e.textContent)).toMatch(/^Layer 1, unit 1 \(tanh\)/);
          // Pinned by a click, the panel stays while the page scrolls back up (VitePress's fixed bars
          // land in the right place in a full-page shot taken from the top).
          await page.click(`${EL} .pg-node[data-col="1"][data-unit="0"]`);
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.screenshot({ path: `${shots}docs-playground-1280.png`, fullPage: true });
        }
      }

      // Click the edge from hidden unit 1 to the output and make its weight -8.
      const picture = await boundary(page);
      await clickEdge(page, 1, 0, 0);
      const box = `${EL} .pg-edit input[data-from="0"][data-to="0"]`;
      expect(await page.$eval(box, (e) => e === document.activeElement)).toBe(true);
      await page.fill(box, '-8');
      await page.press(box, 'Enter');
      await page.waitForFunction((el) => document.querySelector(el)?.getAttribute('data-edited') === '1,0,0', EL);
      // The boundary moved: on average each pixel's colour changed by more than a few levels.
      const changed = await boundary(page);
      const diff = changed.reduce((sum, v, i) => sum + Math.abs(v - picture[i]), 0) / changed.length;
      expect(diff, backend).toBeGreaterThan(5);
      // The value was written through the layer's API and read back from the model for the edge's title.
      expect(
        await page.$eval(`${EL} .pg-hit[data-layer="1"][data-from="0"][data-to="0"] title`, (t) => t.textContent),
      ).toContain('weight -8.000');
      await page.keyboard.press('Escape');
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('keeps every setting in the URL: a fresh page opened with it shows the same controls and network', async () => {
    const { page, errors } = await open('');
    await page.selectOption(`${EL} select[name=dataset]`, 'spiral');
    await page.$eval(`${EL} input[name=noise]`, (e) => {
      (e as HTMLInputElement).value = '20';
      e.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const type = async (name: string, value: string) => {
      await page.fill(`${EL} input[name=${name}]`, value);
      await page.press(`${EL} input[name=${name}]`, 'Tab');
    };
    await type('seed', '7');
    await page.selectOption(`${EL} select[name=activation]`, 'leakyRelu');
    await type('lr', '0.3');
    await type('batch', '25');
    await page.selectOption(`${EL} select[name=reg]`, 'l1');
    await type('rate', '0.003');
    await page.check(`${EL} input[name=feature][value=x1x2]`);
    await page.check(`${EL} input[name=feature][value=sinx1]`);
    await page.uncheck(`${EL} input[name=feature][value=x2]`);
    await page.click(`${EL} button[name=layer-add]`); // 4, 2, 2
    await page.click(`${EL} button[name=units-add][data-layer="0"]`);
    await page.click(`${EL} button[name=units-add][data-layer="0"]`);
    await page.click(`${EL} button[name=units-remove][data-layer="1"]`);
    await page.waitForSelector(`${EL}[data-state=ready]`);
    const url = page.url();
    expect(new URL(url).hash).toBe(
      '#dataset=spiral&noise=20&seed=7&layers=6,1,2&activation=leakyRelu&lr=0.3&batch=25&reg=l1&rate=0.003&features=x1,x1x2,sinx1',
    );
    const set = await controls(page);
    expect(set).toEqual({
      dataset: 'spiral',
      noise: '20',
      seed: '7',
      activation: 'leakyRelu',
      lr: '0.3',
      batch: '25',
      reg: 'l1',
      rate: '0.003',
      features: ['x1', 'x1x2', 'sinx1'],
      units: [6, 1, 2],
      columns: [3, 6, 1, 2, 1],
    });

    const fresh = await open(new URL(url).hash);
    expect(await controls(fresh.page)).toEqual(set);
    expect(fresh.page.url()).toBe(url);
    // A link inside the page (chapter 3's xor with the x1x2 input) changes the settings in place.
    await fresh.page.click('a[href^="#dataset=xor"]');
    await fresh.page.waitForFunction(() => location.hash.startsWith('#dataset=xor'));
    await fresh.page.waitForSelector(`${EL}[data-state=ready]`);
    const xor = await controls(fresh.page);
    expect([xor.dataset, xor.features, xor.columns]).toEqual(['xor', ['x1x2'], [1, 1]]);
    expect([...errors, ...fresh.errors]).toEqual([]);
    await page.close();
    await fresh.page.close();
  }, 180_000);

  it('clamps or refuses hostile URL values with a message, and falls back to the defaults for a huge hash', async () => {
    const hostile =
      '#dataset=moon&noise=1e9&layers=1000000000,2,abc,4,4,4,4,4&lr=NaN&batch=0&reg=l3&rate=-1' +
      '&features=x1,%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&evil=1';
    const { page, errors } = await open(hostile);
    const message = await page.$eval(`${EL} .pg-message`, (e) => e.textContent);
    for (const line of [
      "This link's settings needed changes:",
      "dataset: expected one of circle, xor, spiral, gauss; received 'moon', so circle is used.",
      "noise: expected a number from 0 to 50; received '1e9', so 50 is used.",
      'layers: expected at most 6 hidden layers; received 8, so the first 6 are used.',
      "layers (layer 1): expected a whole number from 1 to 8; received '1000000000', so 8 is used.",
      "layers (layer 3): expected a whole number from 1 to 8; received 'abc', so 4 is used.",
      "lr: expected a number from 0.00001 to 10; received 'NaN', so 0.03 is used.",
      "batch: expected a whole number from 1 to 200; received '0', so 1 is used.",
      "reg: expected one of none, l1, l2; received 'l3', so none is used.",
      "rate: expected a number from 0 to 1; received '-1', so 0 is used.",
      "features: expected names from x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2; received '<img src=x onerror=alert(1)>', which are left out.",
      "Unknown settings ignored: 'evil'.",
    ]) {
      expect(message).toContain(line);
    }
    expect(await page.$$(`${EL} img`)).toHaveLength(0); // the received text is shown as text
    const c = await controls(page);
    expect([c.dataset, c.noise, c.lr, c.batch, c.reg, c.rate, c.features, c.units]).toEqual([
      'circle',
      '50',
      '0.03',
      '1',
      'none',
      '0',
      ['x1'],
      [8, 2, 4, 4, 4, 4],
    ]);
    // The URL now says what runs, and the model trains.
    expect(new URL(page.url()).hash).toBe(
      '#dataset=circle&noise=50&seed=1&layers=8,2,4,4,4,4&activation=tanh&lr=0.03&batch=1&reg=none&rate=0&features=x1',
    );
    await page.click(`${EL} button[name=step]`);
    await page.waitForFunction((el) => document.querySelector(el)?.getAttribute('data-step') === '1', EL);

    // 100 kB of hash: refused whole, the defaults run.
    const huge = await open(`#dataset=xor&noise=${'9'.repeat(100_000)}`);
    const refused = await huge.page.$eval(`${EL} .pg-message`, (e) => e.textContent);
    expect(refused).toContain(
      "The link's settings are 100018 characters long; at most 2000 are read, so the defaults are used.",
    );
    const d = await controls(huge.page);
    expect([d.dataset, d.noise, d.lr, d.units, d.features]).toEqual(['circle', '0', '0.03', [4, 2], ['x1', 'x2']]);
    expect(new URL(huge.page.url()).hash).toBe(
      '#dataset=circle&noise=0&seed=1&layers=4,2&activation=tanh&lr=0.03&batch=10&reg=none&rate=0&features=x1,x2',
    );
    // A typed learning rate that is not a number keeps the one that runs, and says so.
    await huge.page.fill(`${EL} input[name=lr]`, '-5');
    await huge.page.press(`${EL} input[name=lr]`, 'Tab');
    expect(await huge.page.$eval(`${EL} .pg-message`, (e) => e.textContent)).toBe(
      "Learning rate: expected a number from 0.00001 to 10; received '-5', so 0.03 is used.",
    );
    expect(await huge.page.$eval(`${EL} input[name=lr]`, (e) => (e as HTMLInputElement).value)).toBe('0.03');
    expect([...errors, ...huge.errors]).toEqual([]);
    await page.close();
    await huge.page.close();
  }, 180_000);

  it('L2 regularisation shrinks the weights: the same 25 steps from the same start, with and without it', async () => {
    const squares: number[] = [];
    for (const reg of ['reg=none&rate=0', 'reg=l2&rate=0.05']) {
      const { page, errors } = await open(
        `#dataset=gauss&noise=30&seed=3&layers=4&activation=tanh&lr=0.1&batch=20&${reg}`,
      );
      for (let i = 1; i <= 25; i++) {
        await page.click(`${EL} button[name=step]`);
        await page.waitForFunction(([el, n]) => document.querySelector(el)?.getAttribute('data-step') === n, [
          EL,
          String(i),
        ] as const);
      }
      // Every kernel entry, as the edges' titles show it (read back from the layers).
      const weights = await page.$$eval(`${EL} .pg-hit title`, (ts) =>
        ts.map((t) => Number(/weight (-?[\d.]+)/.exec(t.textContent ?? '')?.[1])),
      );
      expect(weights).toHaveLength(2 * 4 + 4 * 1);
      squares.push(weights.reduce((sum, w) => sum + w * w, 0));
      expect(errors).toEqual([]);
      await page.close();
    }
    expect(squares[1]).toBeLessThan(squares[0] * 0.8);
  }, 120_000);

  it('fits a 390-pixel phone and follows dark mode (screenshots)', async () => {
    const preset =
      '#dataset=circle&noise=10&seed=1&layers=6,4,2&activation=relu&lr=0.03&batch=10&reg=none&rate=0&features=x1,x2,x1sq';
    const phone = await open(preset, { viewport: { width: 390, height: 844 } });
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await phone.page.$eval(EL, (e) => e.getBoundingClientRect().right);
    expect(box).toBeLessThanOrEqual(390);
    await phone.page.click(`${EL} .pg-node[data-col="2"][data-unit="1"]`); // a tap pins the neuron's panel
    expect(await phone.page.$$(`${EL} .pg-edit input[name=weight]`)).toHaveLength(7); // 6 weights and the bias
    await phone.page.evaluate(() => window.scrollTo(0, 0));
    await phone.page.screenshot({ path: `${shots}docs-playground-390.png`, fullPage: true });

    const dark = await open(preset, { dark: true });
    expect(await dark.page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await dark.page.click(`${EL} button[name=play]`);
    await dark.page.waitForTimeout(2000);
    await dark.page.click(`${EL} button[name=play]`);
    await dark.page.waitForSelector(`${EL}[data-state=ready]`);
    // Edges take the theme's colours: the lighter red and blue of the dark palette.
    const strokes = await dark.page.$$eval(`${EL} .pg-edge`, (ps) => [
      ...new Set(ps.map((p) => getComputedStyle(p).stroke)),
    ]);
    expect(strokes.sort()).toEqual(['rgb(146, 197, 222)', 'rgb(244, 165, 130)']);
    // The neurons' frames take the dark page's background.
    expect(await dark.page.$eval(`${EL} .pg-frame`, (e) => getComputedStyle(e).fill)).toBe('rgb(27, 27, 31)');
    await dark.page.click(`${EL} .pg-node[data-col="3"][data-unit="0"]`);
    await dark.page.evaluate(() => window.scrollTo(0, 0));
    await dark.page.screenshot({ path: `${shots}docs-playground-dark.png`, fullPage: true });
    expect([...phone.errors, ...dark.errors]).toEqual([]);
    await phone.page.close();
    await dark.page.close();
  }, 180_000);
});
