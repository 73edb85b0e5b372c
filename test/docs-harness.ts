// The docs site for the browser tests: built once per test run (however many test files ask for it),
// served on localhost (cross-origin isolated, as the real server is), and a headless Chromium with
// WebGPU on SwiftShader. NEURITE_DOCS_OUT builds and serves another folder (so two checkouts, or two
// people in one, do not share apps/docs/dist).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';

export const root = fileURLToPath(new URL('..', import.meta.url));
/** Where screenshots go: test-output/ (kept by CI). */
export const shots = fileURLToPath(new URL('../test-output/', import.meta.url));
export const docsOut = process.env.NEURITE_DOCS_OUT ?? join(root, 'apps', 'docs', 'dist');

/**
 * Builds the site unless this test run (the vitest process that forked this one) already has. Test files
 * run in parallel: one builds while the others wait on the stamp's lock.
 */
async function buildOnce(): Promise<void> {
  mkdirSync(docsOut, { recursive: true });
  const stamp = join(docsOut, '.built-for');
  const lock = `${docsOut}.harness-lock`;
  const run = String(process.ppid);
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest build is a killed run's.
      if (waited > 300_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (existsSync(stamp) && readFileSync(stamp, 'utf8') === run) return;
    execFileSync(process.execPath, ['apps/docs/build.mjs', '--out', docsOut], { cwd: root, stdio: 'pipe' });
    writeFileSync(stamp, run);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface DocsSite {
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds (once per run) and serves the site, and launches Chromium. Call close() in afterAll. */
export async function openDocsSite(): Promise<DocsSite> {
  await buildOnce();
  const { serve } = await import('../apps/docs/serve.mjs');
  const server: Server = await serve(0, docsOut);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium({ webgpu: true });
  mkdirSync(shots, { recursive: true });
  return {
    base,
    browser,
    async close() {
      await browser.close();
      server.close();
    },
  };
}

/** A page that records console errors and uncaught exceptions into `errors`, and everything into `log`. */
export async function watchedPage(
  browser: Browser,
  viewport = { width: 1280, height: 1000 },
): Promise<{ page: Page; errors: string[]; log: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const log: string[] = [];
  page.on('console', (m) => {
    log.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  return { page, errors, log };
}

/**
 * Waits until the page's <neurite-draw-digit> has predicted again (more than `before` predictions) on
 * `backend`, and returns the digit it shows. On a timeout the error carries the widget's state and text
 * and the page's console.
 */
export async function widgetPredicted(page: Page, backend: string, before: number, log: string[]): Promise<string> {
  const widget = 'neurite-draw-digit';
  await page
    .waitForFunction(
      ([sel, b, n]) => {
        const el = document.querySelector(sel as string) as HTMLElement;
        return (
          el.dataset.state === 'done' && el.dataset.backend === b && Number(el.dataset.predictions) > (n as number)
        );
      },
      [widget, backend, before],
      { timeout: 120_000 },
    )
    .catch(async (e) => {
      const state = await page.$eval(
        widget,
        (el) => `${(el as HTMLElement).dataset.state}: ${el.textContent?.slice(0, 600)}`,
      );
      throw new Error(`${(e as Error).message}\n${state}\n${log.join('\n')}`);
    });
  return page.$eval(widget, (el) => (el as HTMLElement).dataset.digit as string);
}
