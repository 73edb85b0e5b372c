// The docs site as a reader meets it: built (VitePress + typedoc), served on localhost, every guide and
// course page opened in headless Chromium (no console errors), every internal link followed (no 404),
// and screenshots kept in test-output/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const shots = fileURLToPath(new URL('../test-output/', import.meta.url));
let server: Server;
let base: string;
let browser: Browser;

describe('the docs site', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, ['apps/docs/build.mjs'], { cwd: root, stdio: 'pipe' });
    const { serve } = await import('../apps/docs/serve.mjs');
    server = await serve(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium({ webgpu: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
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
      '/backends.html',
      '/guide/writing-a-layer-plugin.html',
      '/guide/noisy-dense-plugin.html',
      '/model-format.html',
      '/course/01-forward-propagation.html',
      '/course/02-activation-functions.html',
      '/course/03-deeper-networks.html',
      '/course/04-backpropagation-and-gradient-descent.html',
      '/course/05-cnn-on-mnist.html',
      '/course/06-visualising-activations.html',
      '/api/index.html',
      '/demo.html',
    ];
    const links = new Set<string>();
    mkdirSync(shots, { recursive: true });
    for (const path of pages) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(200);
      const title = await page.title();
      expect(title, path).toMatch(/Neurite/);
      for (const href of await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href))) {
        if (href.startsWith(base)) links.add(href.split('#')[0]);
      }
      if (path === '/' || path.includes('01-forward')) {
        await page.screenshot({
          path: `${shots}docs-${path === '/' ? 'home' : 'course-1'}.png`,
          fullPage: path !== '/',
        });
      }
    }
    expect(errors).toEqual([]);
    const broken: string[] = [];
    for (const link of links) {
      const r = await fetch(link);
      if (r.status !== 200) broken.push(`${link} -> ${r.status}`);
    }
    expect(broken).toEqual([]);
    expect(links.size).toBeGreaterThan(20);
  }, 180_000);

  for (const backend of ['cpu', 'wasm', 'webgpu']) {
    it(`the live demo predicts a drawn 1 and shows every layer, on ${backend}`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      const log: string[] = [];
      page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
      await page.goto(`${base}/demo/index.html?backend=${backend}`);
      await page.waitForSelector('body[data-ready=true]', { timeout: 90_000 }).catch(async (e) => {
        throw new Error(
          `${(e as Error).message}\nbackend: ${await page.$eval('#backend', (el) => el.textContent)}\n${log.join('\n')}`,
        );
      });
      // It says which backend runs, and it is the one asked for.
      expect(await page.$eval('#backend', (e) => (e as HTMLElement).dataset.backend)).toBe(backend);
      const box = await (await page.$('#pad'))?.boundingBox();
      if (!box) throw new Error('no drawing canvas');
      await page.mouse.move(box.x + 140, box.y + 40);
      await page.mouse.down();
      await page.mouse.move(box.x + 140, box.y + 240, { steps: 20 });
      await page.mouse.up();
      await page.click('#predict');
      await page.waitForSelector('#prediction[data-digit]', { timeout: 90_000 }).catch(async (e) => {
        throw new Error(
          `${(e as Error).message}\nprediction: ${await page.$eval('#prediction', (el) => el.textContent)}\n${log.join('\n')}`,
        );
      });
      expect(await page.$eval('#prediction', (e) => (e as HTMLElement).dataset.digit)).toBe('1');
      const layers = JSON.parse(readFileSync(`${root}apps/docs/demo/model/model.json`, 'utf8')).layers.map(
        (l: { config: { name: string } }) => l.config.name,
      );
      expect(await page.$$eval('.layer', (els) => els.map((e) => (e as HTMLElement).dataset.layer))).toEqual(layers);
      await page.screenshot({ path: `${shots}demo-${backend}.png`, fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 180_000);
  }
});
