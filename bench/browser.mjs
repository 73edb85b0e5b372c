// `pnpm bench browser`: the in-page trainer (/train.html, <neurite-mnist-trainer>) in headless Chromium,
// samples per second of its training steps, on wasm with 1 thread and with one per core, and on webgpu
// (SwiftShader here: an emulator, never a GPU's speed), beside the same model (page-cnn.json) trained
// by the CLI in Node on wasm with 1 and with one worker per core. The browser and Node runs alternate,
// each round in a fresh page or process, and each ratio divides by the Node run of the same round.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { node24 } from '../tools/node24/index.mjs';
import { table } from './lib.mjs';

const ROUNDS = 3;
const IMAGES = 12800; // 200 batches of 64
const WEBGPU_IMAGES = 640;
const SPEC = 'apps/docs/demo/trainer/page-cnn.json';

/** One run of the page's trainer; returns its data attributes when it is done. */
async function inPage(browser, base, { backend, threads, images }) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${base}/train.html`);
    const T = 'neurite-mnist-trainer';
    await page.waitForSelector(`${T}[data-state=idle]`, { timeout: 90_000 });
    await page.click(`${T} .neurite-switcher button[data-backend=${backend}]`);
    if (backend === 'wasm') await page.selectOption(`${T} select[name=threads]`, String(threads));
    for (const [k, v] of Object.entries({ epochs: 1, trainImages: images, testImages: 500 }))
      await page.fill(`${T} input[name=${k}]`, String(v));
    await page.click(`${T} button[name=train]`);
    await page.waitForSelector(`${T}:is([data-state=done], [data-state=failed])`, { timeout: 600_000 });
    const d = await page.$eval(T, (el) => ({ ...el.dataset }));
    if (d.state !== 'done' || errors.length) throw new Error(`the page's run failed: ${JSON.stringify(d)} ${errors}`);
    return d;
  } finally {
    await page.close();
  }
}

/** One run of the CLI on the same model and batches in Node; samples per second from its epoch line. */
function inNode(node, { workers, images }) {
  const home = mkdtempSync(join(tmpdir(), 'neurite-bench-'));
  try {
    const args = ['apps/mnist-cli/dist/cli.js', 'train', '--model', SPEC, '--epochs', '1', '--limit', String(images)];
    args.push('--batch-size', '64', '--lr', '0.003', '--workers', String(workers), '--backend', 'wasm');
    args.push('--validation-split', '0', '--out', join(home, 'model'));
    const r = spawnSync(node, args, { encoding: 'utf8', env: { ...process.env, NEURITE_HOME: home } });
    const m = /epoch 1\/1: .*\| [\d.]+ s, ([\d,]+) samples\/s/.exec(r.stdout);
    if (r.status !== 0 || !m)
      throw new Error(`${node} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return Number(m[1].replace(/,/g, ''));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function benchBrowser({ backends }) {
  const cores = availableParallelism();
  const out = mkdtempSync(join(tmpdir(), 'neurite-bench-site-'));
  spawnSync(process.execPath, ['apps/docs/build.mjs', '--out', out], { stdio: 'inherit' });
  const { serve } = await import('../apps/docs/serve.mjs');
  const server = await serve(0, out);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchChromium({ webgpu: backends.includes('webgpu') });
  const nodes = [['20', process.execPath], ...(node24() ? [['24', node24()]] : [])];
  const configs = [1, ...(cores > 1 ? [cores] : [])];
  const rows = [];
  try {
    if (backends.includes('wasm')) {
      for (const threads of configs) {
        const page = [];
        const node = Object.fromEntries(nodes.map(([v]) => [v, []]));
        for (let round = 0; round < ROUNDS; round++) {
          // In turns, so that a busy moment of this shared machine falls on both sides.
          page.push(
            Number((await inPage(browser, base, { backend: 'wasm', threads, images: IMAGES })).samplesPerSecond),
          );
          for (const [v, path] of nodes) node[v].push(inNode(path, { workers: threads, images: IMAGES }));
        }
        const ratios = page.map((p, i) => p / node['20'][i]);
        rows.push({
          where: 'chromium, Web Worker',
          backend: 'wasm',
          threads,
          samplesPerRound: page.map(Math.round).join(' '),
          samplesPerSecond: Math.round(median(page)),
          vsNode20: median(ratios),
          ratiosPerRound: ratios.map((r) => r.toFixed(2)).join(' '),
        });
        for (const [v] of nodes) {
          rows.push({
            where: `node ${v}, CLI`,
            backend: 'wasm',
            threads: threads === 1 ? 1 : `${threads} workers`,
            samplesPerRound: node[v].join(' '),
            samplesPerSecond: Math.round(median(node[v])),
            vsNode20: median(node[v].map((n, i) => n / node['20'][i])),
          });
        }
      }
    }
    if (backends.includes('webgpu')) {
      const d = await inPage(browser, base, { backend: 'webgpu', threads: 1, images: WEBGPU_IMAGES });
      rows.push({
        where: 'chromium, Web Worker',
        backend: 'webgpu (SwiftShader here)',
        threads: '-',
        samplesPerRound: d.samplesPerSecond,
        samplesPerSecond: Number(d.samplesPerSecond),
        vsNode20: null,
      });
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(out, { recursive: true, force: true });
  }
  return rows;
}

export function printBrowser(rows) {
  const shown = rows.map((r) => ({
    ...r,
    'samples/s': r.samplesPerSecond,
    'per round': r.samplesPerRound,
    'vs node 20': r.vsNode20 == null ? '' : `${r.vsNode20.toFixed(2)}x`,
  }));
  return `${table(shown, ['where', 'backend', 'threads', 'samples/s', 'per round', 'vs node 20'])}\n(${IMAGES} training images a run, batches of 64, ${ROUNDS} rounds in turns; webgpu ${WEBGPU_IMAGES} images, once)`;
}
