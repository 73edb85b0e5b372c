// The browser builds, in a real browser: @neurite/core's browser bundle (cpu backend) and
// @neurite/viz/browser's canvas adapter, bundled with esbuild as an app would bundle them and loaded
// in headless Chromium (Debian's, via playwright-core).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { launchChromium } from './chromium.js';

it('computes on cpu and draws a feature map to a canvas in Chromium', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-browser-'));
  const entry = join(process.cwd(), `.browser-entry-${process.pid}.ts`);
  writeFileSync(
    entry,
    `import { useBackend, tensor } from '@neurite/core';
import { featureMapGrid } from '@neurite/viz';
import { drawImage } from '@neurite/viz/browser';
const info = await useBackend('cpu');
const sum = (await tensor([1, 2, 3]).square().sum().data())[0];
// A [2, 2, 1] map, grey colormap: 0 -> black, 1 -> white.
const img = featureMapGrid(new Float32Array([0, 1, 1, 0]), [2, 2, 1], { colormap: 'grey' });
const canvas = document.createElement('canvas');
document.body.append(canvas);
drawImage(canvas, img, 1);
const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
window.result = { backend: info.name, sum, width: canvas.width, height: canvas.height, first: Array.from(px.slice(0, 8)) };
`,
  );
  try {
    await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile: join(dir, 'app.js'),
      logLevel: 'error',
    });
  } finally {
    rmSync(entry, { force: true });
  }
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><body><script type="module" src="app.js"></script></body>',
  );
  const browser = await launchChromium({ allowFileAccess: true });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, null, {
      timeout: 30_000,
    });
    const result = await page.evaluate(() => (window as unknown as { result: unknown }).result);
    expect(errors).toEqual([]);
    expect(result).toMatchObject({ backend: 'cpu', sum: 14, width: 2, height: 2 });
    // Pixel (0, 0) is value 0 (black), pixel (1, 0) is value 1 (white), both opaque.
    expect((result as { first: number[] }).first).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  } finally {
    await browser.close();
  }
}, 120_000);
