// The activation report, as a learner opens it: produced by the CLI, loaded from disk in headless
// Chromium (Debian's, driven by playwright-core), checked for every layer in order, no console errors
// and no network, and kept as a screenshot in test-output/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/chromium.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const shots = fileURLToPath(new URL('../../../test-output/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'neurite-report-'));
const env = { ...process.env, NEURITE_HOME: join(work, 'home'), NEURITE_BACKEND: 'wasm' };
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', timeout: 300_000 });
const model = join(work, 'model');
const out = join(work, 'viz');

describe('neurite-mnist visualize', () => {
  beforeAll(() => {
    const t = run('train', '--limit', '2000', '--epochs', '1', '--out', model, '--report');
    expect(t.status, t.stderr).toBe(0);
    const v = run('visualize', '--model', model, '--index', '0', '--out', out);
    expect(v.status, v.stderr).toBe(0);
  }, 300_000);

  it('train --report writes the report and the layer PNGs next to the model', () => {
    const html = readFileSync(join(model, 'report.html'), 'utf8');
    const layers = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')).layers.map(
      (l: { config: { name: string } }) => l.config.name,
    );
    expect([...html.matchAll(/data-layer="([^"]+)"/g)].map((m) => m[1])).toEqual(layers);
    expect(readdirSync(join(model, 'report')).filter((f) => f.endsWith('.png'))).toHaveLength(layers.length + 1);
  });

  it('writes one PNG per layer, in model order, plus the input', () => {
    const layers = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')).layers.map(
      (l: { config: { name: string } }) => l.config.name,
    );
    const pngs = readdirSync(out)
      .filter((f) => f.endsWith('.png') && f !== 'input.png')
      .sort();
    expect(pngs).toEqual(layers.map((n: string, i: number) => `${String(i + 1).padStart(2, '0')}-${n}.png`));
    expect(readdirSync(out)).toContain('input.png');
  });

  it('opens in headless Chromium with every layer in order, no console errors and no network', async () => {
    const layers = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')).layers.map(
      (l: { config: { name: string } }) => l.config.name,
    );
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, '')).not.toMatch(/https?:\/\//);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(join(out, 'report.html')).href);
      const names = await page.$$eval('.layer', (els) => els.map((e) => e.getAttribute('data-layer')));
      expect(names).toEqual(layers);
      const images = await page.$$eval('img', (els) => els.map((e) => (e as HTMLImageElement).naturalWidth));
      expect(images.every((w) => w > 0)).toBe(true);
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'report.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
