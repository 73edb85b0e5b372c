// The course's equations are typeset: VitePress's markdown math ($...$ inline, $$...$$ display) turns
// them into MathJax SVG at build time. Each page is opened in headless Chromium: every formula written in
// its markdown is rendered (the count is pinned per page), no raw TeX is left in the visible text, no
// MathJax error box, no console error; the math takes the theme's text colour in dark mode; and the built
// home page holds the course's four equations as MathJax writes them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocsSite, docsOut, openDocsSite, root, shots, watchedPage } from './docs-harness.js';

/** The pages with math, their markdown, and how many formulas each holds (null: count its markdown only). */
const pages: { path: string; source: string; formulas: number | null }[] = [
  { path: '/', source: 'docs/index.md', formulas: 15 },
  { path: '/course/01-forward-propagation.html', source: 'docs/course/01-forward-propagation.md', formulas: 23 },
  { path: '/course/02-activation-functions.html', source: 'docs/course/02-activation-functions.md', formulas: 36 },
  { path: '/course/03-deeper-networks.html', source: 'docs/course/03-deeper-networks.md', formulas: 8 },
  // Chapter 4 is written elsewhere: whatever math it holds must render, however much that is.
  {
    path: '/course/04-backpropagation-and-gradient-descent.html',
    source: 'docs/course/04-backpropagation-and-gradient-descent.md',
    formulas: null,
  },
  { path: '/course/05-cnn-on-mnist.html', source: 'docs/course/05-cnn-on-mnist.md', formulas: 13 },
  { path: '/course/06-visualising-activations.html', source: 'docs/course/06-visualising-activations.md', formulas: 2 },
  { path: '/guide/getting-started.html', source: 'docs/guide/getting-started.md', formulas: 4 },
  { path: '/guide/writing-a-layer-plugin.html', source: 'docs/guide/writing-a-layer-plugin.md', formulas: 1 },
];

/** The formulas in a markdown file: $$...$$ blocks and $...$ spans outside code, as markdown-it-mathjax3 reads them. */
function formulasIn(markdown: string): { display: string[]; inline: string[] } {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const display = [...prose.matchAll(/\$\$([\s\S]+?)\$\$/g)].map((m) => m[1].trim());
  const inline = [...prose.replace(/\$\$[\s\S]+?\$\$/g, '').matchAll(/\$([^$]+?)\$/g)].map((m) => m[1]);
  return { display, inline };
}

/** The course's four equations, in the home page's LaTeX. */
const seedEquations = [
  'y = w^\\top x + b',
  'L = -[y \\log \\hat{y} + (1 - y) \\log(1 - \\hat{y})]',
  'J = \\frac{1}{m} \\sum_{i=1}^{m} L^{(i)}',
  'W \\leftarrow W - \\alpha \\frac{\\partial J}{\\partial W}',
];

/** What a page shows as math, and what it shows as text outside code and math. */
function readMath(page: Page) {
  return page.evaluate(() => {
    const content = document.querySelector('.VPContent') as HTMLElement;
    const text = content.cloneNode(true) as HTMLElement;
    for (const el of text.querySelectorAll('pre, code, mjx-container, script, style')) el.remove();
    const containers = [...content.querySelectorAll('mjx-container')];
    return {
      count: containers.length,
      display: containers.filter((c) => c.getAttribute('display') === 'true').length,
      withMathml: containers.filter((c) => c.querySelector('mjx-assistive-mml math')).length,
      // A TeX error becomes an <merror>; an unknown macro, the macro's name as red <mtext>.
      errors: [...content.querySelectorAll('mjx-assistive-mml merror, mjx-assistive-mml mtext')]
        .filter((e) => e.localName === 'merror' || (!e.closest('merror') && /^\\[a-zA-Z]/.test(e.textContent ?? '')))
        .map((e) => e.textContent),
      text: text.textContent ?? '',
    };
  });
}

/** The colour of the first formula in each kind of block, of the text around it, and of its glyphs. */
function mathColours(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.vp-doc p > mjx-container, .vp-doc li > mjx-container, .vp-doc td > mjx-container')]
      .slice(0, 5)
      .map((c) => ({
        math: getComputedStyle(c).color,
        text: getComputedStyle(c.parentElement as HTMLElement).color,
        glyph: getComputedStyle(c.querySelector('svg path') as SVGPathElement).fill,
      })),
  );
}

/** The brightness of a CSS colour, 0 (black) to 1 (white). */
function brightness(colour: string): number {
  const [r, g, b] = (colour.match(/[\d.]+/g) ?? []).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

let site: DocsSite;

describe('the course equations', () => {
  beforeAll(async () => {
    site = await openDocsSite();
  }, 600_000);

  afterAll(async () => {
    await site?.close();
  });

  it('renders every formula of every page as MathJax, with no raw TeX left and no console error', async () => {
    const { page, errors } = await watchedPage(site.browser);
    for (const { path, source, formulas } of pages) {
      const { display, inline } = formulasIn(readFileSync(join(root, source), 'utf8'));
      const written = display.length + inline.length;
      if (formulas !== null) expect(written, `${source}: formulas written`).toBe(formulas);
      await page.goto(`${site.base}${path}`);
      await page.waitForSelector('.VPContent');
      const math = await readMath(page);
      expect(math.count, `${path}: rendered formulas`).toBe(written);
      expect(math.display, `${path}: display formulas`).toBe(display.length);
      expect(math.withMathml, `${path}: formulas with MathML for screen readers`).toBe(math.count);
      expect(math.errors, `${path}: MathJax errors`).toEqual([]);
      expect(math.text, `${path}: a $ outside math`).not.toContain('$');
      expect(math.text, `${path}: raw TeX outside math`).not.toMatch(/\\(frac|cdot|alpha|mathrm|begin|partial|hat)/);
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("keeps the math in the theme's text colour, light and dark, and fits a phone", async () => {
    const colours: Record<string, string> = {};
    for (const mode of ['light', 'dark'] as const) {
      const { page, errors } = await watchedPage(site.browser);
      await page.addInitScript((m) => localStorage.setItem('vitepress-theme-appearance', m), mode);
      await page.goto(`${site.base}/course/01-forward-propagation.html`);
      await page.waitForSelector('mjx-container');
      expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(mode === 'dark');
      const found = await mathColours(page);
      expect(found.length).toBeGreaterThanOrEqual(5);
      for (const c of found) {
        // The SVG paints with currentColor, so the glyphs follow whatever colour the text has.
        expect(c.math).toBe(c.text);
        expect(c.glyph).toBe(c.text);
      }
      colours[mode] = found[0].math;
      // Chapter 1's formulas, from "By hand" to "With layers".
      const box = await page.evaluate(() => {
        const top = (document.getElementById('by-hand') as HTMLElement).getBoundingClientRect();
        const end = (document.getElementById('with-layers') as HTMLElement).getBoundingClientRect();
        const doc = (document.querySelector('.vp-doc') as HTMLElement).getBoundingClientRect();
        return { x: doc.x - 16, y: top.y + window.scrollY - 16, width: doc.width + 32, height: end.y - top.y };
      });
      await page.screenshot({ path: `${shots}docs-math-01-${mode}.png`, fullPage: true, clip: box });
      expect(errors).toEqual([]);
      await page.close();
    }
    expect(brightness(colours.light)).toBeLessThan(0.4);
    expect(brightness(colours.dark)).toBeGreaterThan(0.7);

    // At 390 pixels a wide formula or table scrolls inside itself; the page does not scroll sideways.
    const { page, errors } = await watchedPage(site.browser, { width: 390, height: 844 });
    for (const path of ['/course/01-forward-propagation.html', '/course/02-activation-functions.html']) {
      await page.goto(`${site.base}${path}`);
      await page.waitForSelector('mjx-container');
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
    }
    // Chapter 2's table of activations, below the fixed top bar.
    await page.evaluate(() => {
      document.querySelector('.vp-doc table')?.scrollIntoView();
      window.scrollBy(0, -120);
    });
    await page.screenshot({ path: `${shots}docs-math-02-phone.png` });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("holds the course's four equations in the built home page, as MathJax writes them", async () => {
    // The expected MathML comes from the same renderer the site uses, fed the seed's LaTeX.
    const require = createRequire(join(root, 'apps', 'docs', 'package.json'));
    const { createMarkdownRenderer } = await import(require.resolve('vitepress'));
    const md = await createMarkdownRenderer(join(root, 'docs'), { math: true }, '/');
    const built = [...readFileSync(join(docsOut, 'index.html'), 'utf8').matchAll(/<math[\s\S]*?<\/math>/g)].map(
      (m) => m[0],
    );
    for (const tex of seedEquations) {
      const expected = (md.render(`$$${tex}$$`) as string).match(/<math[\s\S]*?<\/math>/)?.[0];
      expect(expected, tex).toMatch(/^<math [^>]*display="block"/);
      expect(built, tex).toContain(expected);
    }
    // Spot checks on the MathML itself: a hat on y, a fraction, a sum, a left arrow, alpha.
    const all = built.join('');
    expect(all).toContain('<mover><mi>y</mi><mo stretchy="false">^</mo></mover>');
    expect(all).toContain('<mo data-mjx-texclass="OP">∑</mo>');
    expect(all).toContain('←');
    expect(all).toContain('<mi>α</mi>');
  }, 60_000);
});
