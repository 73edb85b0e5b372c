// The docs site as a reader meets it: built (VitePress + typedoc), served on localhost, every guide and
// course page opened in headless Chromium (no console errors), every internal link followed (no 404),
// and screenshots kept in test-output/. The widgets have test files of their own (docs-*.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocsSite, openDocsSite, shots } from './docs-harness.js';

let site: DocsSite;
let base: string;
let browser: DocsSite['browser'];

describe('the docs site', () => {
  beforeAll(async () => {
    site = await openDocsSite();
    ({ base, browser } = site);
  }, 600_000);

  afterAll(async () => {
    await site?.close();
  });

  it('renders every guide and course page without console errors, and no internal link is broken', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    const pages = [
      '/',
      '/guide/getting-started.html',
      '/guide/graphs.html',
      '/backends.html',
      '/guide/writing-a-layer-plugin.html',
      '/guide/noisy-dense-plugin.html',
      '/model-format.html',
      '/guide/security.html',
      '/architecture.html',
      '/course/01-forward-propagation.html',
      '/course/02-activation-functions.html',
      '/course/03-deeper-networks.html',
      '/course/04-backpropagation-and-gradient-descent.html',
      '/course/05-cnn-on-mnist.html',
      '/course/06-visualising-activations.html',
      '/api/index.html',
      '/demo.html',
      '/train.html',
      '/playground.html',
    ];
    const links = new Set<string>();
    let pictures = 0;
    for (const path of pages) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(200);
      const title = await page.title();
      expect(title, path).toMatch(/Neurite/);
      // Every picture loads (the course's are drawn by apps/docs/pictures.mjs at build time), and every
      // course chapter has at least one.
      const images = await page.$$eval('.vp-doc img', (imgs) =>
        imgs.map((i) => ({ src: (i as HTMLImageElement).src, ok: (i as HTMLImageElement).naturalWidth > 0 })),
      );
      expect(
        images.filter((i) => !i.ok).map((i) => i.src),
        path,
      ).toEqual([]);
      if (path.startsWith('/course/')) expect(images.length, path).toBeGreaterThan(0);
      pictures += images.length;
      for (const href of await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href))) {
        if (href.startsWith(base)) links.add(href.split('#')[0]);
      }
      // One screenshot per page, e.g. test-output/docs-course-01-forward-propagation.png.
      const slug = path === '/' ? 'home' : path.replace(/^\/|\.html$|\/index$/g, '').replace(/\//g, '-');
      await page.screenshot({ path: `${shots}docs-${slug}.png`, fullPage: path !== '/' });
    }
    expect(errors).toEqual([]);
    expect(pictures).toBeGreaterThanOrEqual(14);
    const broken: string[] = [];
    for (const link of links) {
      const r = await fetch(link);
      if (r.status !== 200) broken.push(`${link} -> ${r.status}`);
    }
    expect(broken).toEqual([]);
    expect(links.size).toBeGreaterThan(20);
  }, 180_000);

  it("chapter 4's demo trains by gradient descent in the page, switched by its own backend buttons to cpu, wasm and webgpu", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/course/04-backpropagation-and-gradient-descent.html`);
    const demo = 'neurite-train-demo';
    // The widgets bundle is loaded by the theme when the page has a widget; it starts a backend at once.
    await page.waitForSelector(`${demo} .neurite-status[data-backend]`, { timeout: 90_000 });
    for (const backend of ['cpu', 'wasm', 'webgpu']) {
      await page.click(`${demo} button[data-backend=${backend}]`);
      await page.waitForSelector(`${demo} .neurite-status[data-backend=${backend}]`, { timeout: 90_000 });
      // Chapter 4's data and model (one sigmoid unit from zero weights, alpha = 3): 60 steps.
      await page.fill(`${demo} input[name=epochs]`, '60');
      await page.click(`${demo} button[name=train]`);
      await page
        .waitForSelector(`${demo}[data-state=done][data-backend=${backend}]`, { timeout: 120_000 })
        .catch(async (e) => {
          throw new Error(`${(e as Error).message}\n${await page.$eval(`${demo} .result`, (el) => el.textContent)}`);
        });
      const run = await page.$eval(demo, (el) => ({ ...(el as HTMLElement).dataset }));
      expect(run.epochs).toBe('60');
      // Zero weights predict 0.5 everywhere: J starts at ln 2. The chapter's loop has J = 0.3015 after 60
      // updates; fit reports each epoch's J before its update, so epoch 60 shows J after 59 updates.
      expect(Number(run.firstLoss)).toBeCloseTo(Math.LN2, 3);
      expect(Number(run.lastLoss)).toBeGreaterThan(0.3);
      expect(Number(run.lastLoss)).toBeLessThan(0.31);
      // The boundary picture: the model says 1 (red) top right, where x0 + x1 > 1, and 0 (blue) bottom left.
      const [topRight, bottomLeft] = await page.$eval(`${demo} canvas`, (c) => {
        const ctx = (c as HTMLCanvasElement).getContext('2d') as CanvasRenderingContext2D;
        return [Array.from(ctx.getImageData(230, 2, 1, 1).data), Array.from(ctx.getImageData(2, 230, 1, 1).data)];
      });
      expect(topRight[0]).toBeGreaterThan(topRight[2]);
      expect(bottomLeft[2]).toBeGreaterThan(bottomLeft[0]);
      await page.screenshot({ path: `${shots}docs-course-4-${backend}.png`, fullPage: false });
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 400_000);

  it("loads the widgets whatever the link's query: a malformed escape or tfjs flags are taken out first", async () => {
    for (const [path, kept] of [
      ['/demo.html?x=%E0%A4%A', ''],
      ['/playground.html?tfjsflags=DEBUG:true&backend=cpu', '?backend=cpu'],
    ]) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${base}${path}`);
      // The widget draws its controls once its bundle has loaded.
      await page.waitForSelector(':is(neurite-draw-digit, neurite-playground) button', { timeout: 90_000 });
      expect(new URL(page.url()).search, path).toBe(kept);
      expect(errors, path).toEqual([]);
      await page.close();
    }
  }, 180_000);
});
