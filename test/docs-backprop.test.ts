// Chapter 4's <neurite-backprop-stepper>, in headless Chromium on cpu, wasm and webgpu: the unit graph's
// stepped numbers are the chapter's, the stepping order is reverse topological, every gradient matches its
// finite difference, Neurite's grads() on the backend agrees, an edited input moves every number as the
// formulas say and a bad one is refused; and the chapter's math is typeset. Screenshots in test-output/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocsSite, openDocsSite, shots, watchedPage } from './docs-harness.js';

const PAGE = '/course/04-backpropagation-and-gradient-descent.html';
const UNIT = 'neurite-backprop-stepper[graph=unit]';
const EXPRESSION = 'neurite-backprop-stepper[graph=expression]';

// Each graph's inputs, written here from the chapter rather than read from the widget.
const UNIT_INPUTS: Record<string, string[]> = {
  w0: [],
  x0: [],
  w1: [],
  x1: [],
  b: [],
  t: [],
  m0: ['w0', 'x0'],
  m1: ['w1', 'x1'],
  y: ['m0', 'm1', 'b'],
  p: ['y'],
  L: ['p', 't'],
};
const EXPRESSION_INPUTS: Record<string, string[]> = {
  a: [],
  b: [],
  c: [],
  f: [],
  e: ['a', 'b'],
  d: ['e', 'c'],
  h: ['d'],
  g: ['h', 'f'],
  L: ['g', 'e'],
};

interface NodeData {
  inputs: string[];
  value?: number;
  grad?: number;
  fd?: number;
  constant: boolean;
}

/** VitePress's fixed top bar would cover part of a widget taller than the window. */
const HIDE_NAV = '.VPNav, .VPLocalNav { visibility: hidden !important; }';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

let site: DocsSite;

async function nodesOf(page: Page, widget: string): Promise<Record<string, NodeData>> {
  return page.$$eval(`${widget} [data-node]`, (els) => {
    const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
    return Object.fromEntries(
      els.map((el) => {
        const d = (el as SVGElement).dataset;
        return [
          d.node as string,
          {
            inputs: d.inputs ? d.inputs.split(',') : [],
            value: num(d.value),
            grad: num(d.grad),
            fd: num(d.fd),
            constant: d.constant === 'true',
          },
        ];
      }),
    );
  });
}

const dataset = (page: Page, widget: string) => page.$eval(widget, (el) => ({ ...(el as HTMLElement).dataset }));

/**
 * Steps back one node per click and checks each step: exactly one more gradient, on the node the widget
 * names, and only once every node that uses it has its gradient (reverse topological order).
 */
async function stepThrough(page: Page, widget: string, inputs: Record<string, string[]>): Promise<string[]> {
  const consumers = (id: string) => Object.keys(inputs).filter((c) => inputs[c].includes(id));
  const steppable = Object.keys(inputs).filter((id) => id !== 't');
  const order: string[] = [];
  for (let k = 0; k < steppable.length; k++) {
    await page.click(`${widget} button[name=step]`);
    const d = await dataset(page, widget);
    const nodes = await nodesOf(page, widget);
    const filled = Object.keys(nodes).filter((id) => nodes[id].grad !== undefined);
    expect(d.steps).toBe(String(k + 1));
    expect(filled).toHaveLength(k + 1);
    const current = d.current as string;
    expect(filled).toContain(current);
    for (const c of consumers(current)) expect(order, `${current} before its consumer ${c}`).toContain(c);
    order.push(current);
    expect(d.order).toBe(order.join(','));
  }
  expect((await dataset(page, widget)).state).toBe('done');
  expect(new Set(order)).toEqual(new Set(steppable));
  return order;
}

/** Waits for the library check on `backend` and returns its numbers. */
async function library(page: Page, widget: string, backend: string) {
  await page.waitForSelector(`${widget}[data-lib-backend=${backend}]:is([data-lib=agree], [data-lib=disagree])`, {
    timeout: 120_000,
  });
  const d = await dataset(page, widget);
  const text = await page.$eval(`${widget} .library`, (el) => el.textContent ?? '');
  expect(text).toContain(`Neurite's grads() on ${backend}`);
  return {
    verdict: d.lib,
    maxDiff: Number(d.libMaxDiff),
    value: Number(d.libValue),
    grads: JSON.parse(d.libGrads as string) as Record<string, number>,
  };
}

function expectFiniteDifferencesAgree(nodes: Record<string, NodeData>): void {
  for (const [id, n] of Object.entries(nodes)) {
    if (n.constant) continue;
    expect(Math.abs((n.fd as number) - (n.grad as number)), `finite difference of ${id}`).toBeLessThan(1e-3);
  }
}

async function edit(page: Page, widget: string, name: string, text: string): Promise<void> {
  await page.fill(`${widget} input[name=${name}]`, text);
  await page.press(`${widget} input[name=${name}]`, 'Tab');
}

describe("chapter 4's backprop stepper", () => {
  beforeAll(async () => {
    site = await openDocsSite();
  }, 600_000);

  afterAll(async () => {
    await site?.close();
  });

  it('typesets the chapter’s math: MathJax containers, and no $ left in the prose', async () => {
    const { page, errors } = await watchedPage(site.browser);
    await page.goto(`${site.base}${PAGE}`);
    const math = await page.$$eval('.vp-doc mjx-container', (els) => ({
      all: els.length,
      display: els.filter((e) => e.getAttribute('display') === 'true').length,
    }));
    expect(math.all).toBeGreaterThan(80);
    expect(math.display).toBeGreaterThanOrEqual(10);
    const prose = await page.$eval('.vp-doc', (doc) => {
      const copy = doc.cloneNode(true) as HTMLElement;
      for (const el of copy.querySelectorAll('pre, code, mjx-container, neurite-backprop-stepper')) el.remove();
      return copy.textContent ?? '';
    });
    expect(await page.$eval('.vp-doc', (doc) => doc.textContent?.includes('$$'))).toBe(false);
    expect(prose).not.toContain('$');
    expect(prose).toContain('This chapter keeps');
    expect(await page.$$eval('.vp-doc a[href*="playground.html"]', (as) => as.length)).toBeGreaterThan(0);
    await page.locator('.vp-doc mjx-container[display=true]').nth(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}docs-backprop-math.png` });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('steps the unit and the expression back on cpu, wasm and webgpu, checked by finite differences and by grads()', async () => {
    const { page, errors } = await watchedPage(site.browser);
    await page.goto(`${site.base}${PAGE}`);
    await page.waitForSelector(`${UNIT}[data-state=idle] .neurite-status[data-backend]`, { timeout: 90_000 });
    await page.waitForSelector(`${EXPRESSION}[data-state=idle]`);

    for (const backend of ['cpu', 'wasm', 'webgpu']) {
      await page.click(`${UNIT} button[data-backend=${backend}]`);
      await page.waitForSelector(`${UNIT} .neurite-status[data-backend=${backend}]`, { timeout: 90_000 });

      // The unit: chapter 4's numbers, stepped.
      await page.click(`${UNIT} button[name=reset]`);
      await page.click(`${UNIT} button[name=forward]`);
      let nodes = await nodesOf(page, UNIT);
      expect(Object.fromEntries(Object.entries(nodes).map(([id, n]) => [id, n.inputs]))).toEqual(UNIT_INPUTS);
      expect(nodes.y.value).toBeCloseTo(-1.9, 4);
      expect(nodes.p.value).toBeCloseTo(0.1301, 4);
      expect(nodes.L.value).toBeCloseTo(2.0394, 4);
      expect(Object.values(nodes).filter((n) => n.grad !== undefined)).toHaveLength(0);
      const order = await stepThrough(page, UNIT, UNIT_INPUTS);
      expect(order[0]).toBe('L');
      nodes = await nodesOf(page, UNIT);
      expect(nodes.w0.grad).toBeCloseTo(-1.7398, 4);
      expect(nodes.w1.grad).toBeCloseTo(-2.6097, 4);
      expect(nodes.b.grad).toBeCloseTo(-0.8699, 4);
      expect(nodes.y.grad).toBeCloseTo(-0.8699, 4); // dL/dy = p - t
      expect(nodes.t.grad).toBeUndefined();
      expectFiniteDifferencesAgree(nodes);
      const lib = await library(page, UNIT, backend);
      expect(lib.verdict).toBe('agree');
      expect(lib.maxDiff).toBeLessThan(1e-4);
      expect(lib.value).toBeCloseTo(2.0394, 4);
      expect(lib.grads.w0).toBeCloseTo(-1.7398, 4);
      expect(lib.grads.w1).toBeCloseTo(-2.6097, 4);
      expect(lib.grads.b).toBeCloseTo(-0.8699, 4);
      expect(lib.grads.x0).toBeCloseTo(nodes.x0.grad as number, 4);
      await page.locator(UNIT).screenshot({ path: `${shots}docs-backprop-unit-${backend}.png`, style: HIDE_NAV });

      // An edit re-runs both passes: w0 = 1.5 gives y = 0.1, and every number follows from p = σ(0.1).
      await edit(page, UNIT, 'w0', '1.5');
      await page.waitForSelector(
        `${UNIT}[data-state=done][data-lib=pending], ${UNIT}[data-state=done][data-lib=agree]`,
      );
      nodes = await nodesOf(page, UNIT);
      const p = sigmoid(0.1);
      expect(nodes.y.value).toBeCloseTo(0.1, 10);
      expect(nodes.p.value).toBeCloseTo(p, 10);
      expect(nodes.L.value).toBeCloseTo(-Math.log(p), 10);
      expect(nodes.w0.grad).toBeCloseTo((p - 1) * 2, 10);
      expect(nodes.w1.grad).toBeCloseTo((p - 1) * 3, 10);
      expect(nodes.x0.grad).toBeCloseTo((p - 1) * 1.5, 10);
      expect(nodes.b.grad).toBeCloseTo(p - 1, 10);
      expectFiniteDifferencesAgree(nodes);
      const edited = await library(page, UNIT, backend);
      expect(edited.verdict).toBe('agree');
      expect(edited.grads.w0).toBeCloseTo((p - 1) * 2, 4);

      // Bad input is refused with the whole story, and the numbers stay.
      await edit(page, UNIT, 'w0', 'abc');
      expect(await page.$eval(`${UNIT} .error`, (el) => el.textContent)).toBe(
        'w₀: expected a number from -10 to 10, received "abc". Type a decimal number such as 0.5. The graph keeps w₀ = 1.5.',
      );
      await edit(page, UNIT, 'x0', '10');
      expect(await page.$eval(`${UNIT} .error`, (el) => el.textContent)).toMatch(
        /^y = w₀x₀ \+ w₁x₁ \+ b = 12\.1000 is outside -10 to 10: .* Use smaller weights or inputs\. The graph keeps x₀ = 2\.$/,
      );
      expect((await nodesOf(page, UNIT)).w0.grad).toBeCloseTo((p - 1) * 2, 10);
      await page.click(`${UNIT} button[name=reset]`);
      expect(await page.$eval(`${UNIT} .error`, (el) => (el as HTMLElement).hidden)).toBe(true);
      expect((await dataset(page, UNIT)).state).toBe('idle');
      expect(await page.$eval(`${UNIT} input[name=w0]`, (el) => (el as HTMLInputElement).value)).toBe('0.5');

      // The expression: e = a·b is used twice, so its gradient is the sum of two products.
      await page.click(`${EXPRESSION} button[name=reset]`);
      await page.click(`${EXPRESSION} button[name=forward]`);
      const exprOrder = await stepThrough(page, EXPRESSION, EXPRESSION_INPUTS);
      expect(exprOrder[0]).toBe('L');
      const ex = await nodesOf(page, EXPRESSION);
      expect(Object.fromEntries(Object.entries(ex).map(([id, n]) => [id, n.inputs]))).toEqual(EXPRESSION_INPUTS);
      expectFiniteDifferencesAgree(ex);
      const h = Math.tanh(2 * -3 + 6.5);
      const de = 1 + -2 * (1 - h * h);
      expect(ex.L.value).toBeCloseTo(h * -2 + -6, 10);
      expect(ex.e.grad).toBeCloseTo(de, 10);
      expect(ex.a.grad).toBeCloseTo(-3 * de, 10);
      expect(ex.b.grad).toBeCloseTo(2 * de, 10);
      expect(ex.f.grad).toBeCloseTo(h, 10);
      const exLib = await library(page, EXPRESSION, backend);
      expect(exLib.verdict).toBe('agree');
      for (const id of ['a', 'b', 'c', 'f']) expect(exLib.grads[id]).toBeCloseTo(ex[id].grad as number, 4);
      if (backend === 'webgpu')
        await page.locator(EXPRESSION).screenshot({ path: `${shots}docs-backprop-expression.png`, style: HIDE_NAV });
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('shows the chain-rule products of a node used twice, and checks again on another backend', async () => {
    const { page, errors } = await watchedPage(site.browser);
    await page.goto(`${site.base}${PAGE}`);
    await page.waitForSelector(`${EXPRESSION}[data-state=idle]`, { timeout: 90_000 });
    await page.click(`${EXPRESSION} button[name=forward]`);
    // L, g, h, f, d, c come before e in this order; step until e is current.
    for (let k = 0; k < 9 && (await dataset(page, EXPRESSION)).current !== 'e'; k++)
      await page.click(`${EXPRESSION} button[name=step]`);
    const text = await page.$eval(`${EXPRESSION} .explain`, (el) => el.textContent ?? '');
    const h = Math.tanh(0.5);
    const dd = -2 * (1 - h * h);
    expect(text).toContain('e is used 2 times');
    expect(text).toContain(`through d = e + c: ∂d/∂e = 1 = 1.0000, times ∂L/∂d = ${dd.toFixed(4)}`);
    expect(text).toContain('through L = g + e: ∂L/∂e = 1 = 1.0000, times ∂L/∂L = 1.0000');
    expect(text).toContain(`∂L/∂e = ${dd.toFixed(4)} + 1.0000 = ${(dd + 1).toFixed(4)}`);
    expect(await page.$eval(`${EXPRESSION} [data-node=e]`, (el) => el.classList.contains('current'))).toBe(true);
    // Back all finishes the pass; a backend switch afterwards runs the library check again there.
    await page.click(`${EXPRESSION} button[name=all]`);
    expect(await dataset(page, EXPRESSION)).toMatchObject({ state: 'done', steps: '9' });
    await library(page, EXPRESSION, 'wasm');
    await page.click(`${EXPRESSION} button[data-backend=cpu]`);
    expect((await library(page, EXPRESSION, 'cpu')).verdict).toBe('agree');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('fits a 390-pixel phone and dark mode', async () => {
    const phone = await watchedPage(site.browser, { width: 390, height: 900 });
    await phone.page.goto(`${site.base}${PAGE}`);
    await phone.page.waitForSelector(`${UNIT}[data-state=idle] .neurite-status[data-backend]`, { timeout: 90_000 });
    await phone.page.click(`${UNIT} button[name=forward]`);
    await phone.page.click(`${UNIT} button[name=step]`);
    await phone.page.click(`${UNIT} button[name=step]`);
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.page.locator(UNIT).screenshot({ path: `${shots}docs-backprop-390.png`, style: HIDE_NAV });
    expect(phone.errors).toEqual([]);
    await phone.page.close();

    const dark = await watchedPage(site.browser);
    await dark.page.addInitScript(() => localStorage.setItem('vitepress-theme-appearance', 'dark'));
    await dark.page.goto(`${site.base}${PAGE}`);
    expect(await dark.page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await dark.page.waitForSelector(`${UNIT}[data-state=idle] .neurite-status[data-backend]`, { timeout: 90_000 });
    await dark.page.click(`${UNIT} button[name=forward]`);
    for (let k = 0; k < 4; k++) await dark.page.click(`${UNIT} button[name=step]`);
    // The boxes take the theme's dark background, not a light one.
    const fill = await dark.page.$eval(`${UNIT} [data-node=w0] rect`, (el) => getComputedStyle(el).fill);
    const [r, g, b] = (fill.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(200);
    await dark.page.locator(UNIT).screenshot({ path: `${shots}docs-backprop-dark.png`, style: HIDE_NAV });
    expect(dark.errors).toEqual([]);
    await dark.page.close();
  }, 180_000);
});
