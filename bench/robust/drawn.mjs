// Digits drawn with the mouse in the docs' drawing pad (apps/docs/demo/widgets/draw-digit/pad.ts), for
// `pnpm bench robust` and test/docs-drawn.test.ts. The strokes come from drawn-forms.mjs's seeded
// writers. The pad has one brush (22 px), so the pen never varies. drawnCases() draws every set with
// real mouse events on the pad in headless Chromium and reads back pad.pixels(), the array
// <neurite-draw-digit> hands to prepareDigit. The pixels are cached in node_modules/.cache/neurite-robust/,
// keyed by a hash of this file, drawn-forms.mjs and pad.ts, so a second run needs no Chromium.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { launchChromium } from '../../scripts/chromium.mjs';
import { cacheDir } from './debian.mjs';
import { drawnDigits, PAD } from './drawn-forms.mjs';

export { drawnDigits, FORMS, PAD } from './drawn-forms.mjs';

const padSource = fileURLToPath(new URL('../../apps/docs/demo/widgets/draw-digit/pad.ts', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

const sessions = new WeakMap();

/**
 * Draws strokes (pad pixels) with the mouse on a pad whose canvas lies at `box` on the page (its
 * boundingBox; the pad maps the pointer through the same box): press, one move a point, release, each
 * event Chromium's own mouse input (Input.dispatchMouseEvent, what page.mouse sends) and each awaited.
 * Chromium hands moves to the page once a frame, so each point is a frame of its own: the pad strokes
 * its path once an event, each stroke() darkens the antialiased edge again, and moves sent faster than
 * that would be grouped by the frame clock, different from run to run. One event a frame keeps the pad's
 * pixels the same on every run of an idle page (a busy one, such as the widget predicting after a stroke,
 * now and then gets two moves in a frame: a few edge pixels change). Resolves once the release is handled.
 */
export async function drawStrokes(page, box, strokes) {
  if (!sessions.has(page)) sessions.set(page, await page.context().newCDPSession(page));
  const cdp = sessions.get(page);
  const at = ([x, y]) => ({ x: box.x + (x * box.width) / PAD, y: box.y + (y * box.height) / PAD });
  const mouse = (type, p, pressed) =>
    cdp.send('Input.dispatchMouseEvent', {
      type,
      ...at(p),
      button: pressed || type === 'mouseReleased' ? 'left' : 'none',
      buttons: pressed ? 1 : 0,
      clickCount: type === 'mouseMoved' ? 0 : 1,
      pointerType: 'mouse',
    });
  for (const stroke of strokes) {
    await mouse('mouseMoved', stroke[0], false);
    await mouse('mousePressed', stroke[0], true);
    for (const p of stroke.slice(1)) await mouse('mouseMoved', p, true);
    await mouse('mouseReleased', stroke[stroke.length - 1], false);
  }
}

/**
 * pad.pixels() of a DrawingPad (a JSHandle of it) as grey levels: the pad draws black on white, so red,
 * green and blue agree and alpha is 255 (checked), and the grey level is the whole pixel.
 */
export async function padGrey(pad) {
  const base64 = await pad.evaluate((p) => {
    const { data } = p.pixels();
    let s = '';
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[i + 1] || data[i] !== data[i + 2] || data[i + 3] !== 255)
        throw new Error(`pad pixel ${i / 4} is not an opaque grey: rgba ${data.slice(i, i + 4).join(', ')}`);
      s += String.fromCharCode(data[i]);
    }
    return btoa(s);
  });
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** Grey levels as the RGBA picture of a case (the pad's own RGBA: grey, opaque). */
export function greyToRgba(grey, width = PAD, height = PAD) {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < grey.length; i++) {
    data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = grey[i];
    data[4 * i + 3] = 255;
  }
  return { width, height, data };
}

async function startChromium() {
  const fix = `Install it (apt-get install chromium) and run again; the drawings are then cached in ${cacheDir}, so later runs need no Chromium.`;
  if (!existsSync(CHROMIUM))
    throw new Error(`bench robust: the 'docs canvas' digits are drawn in Chromium, and ${CHROMIUM} is missing. ${fix}`);
  try {
    return await launchChromium();
  } catch (e) {
    throw new Error(
      `bench robust: could not start ${CHROMIUM} to draw the 'docs canvas' digits (${e.message.split('\n')[0]}). ${fix}`,
    );
  }
}

/** pad.ts bundled by esbuild as the docs build bundles it, with a page to hold it: window.pad. */
async function padScript() {
  const entry =
    "import { DrawingPad } from './pad.ts';\n" +
    'const pad = new DrawingPad(() => {});\n' +
    'document.body.append(pad.canvas);\n' +
    'window.pad = pad;\n';
  const { outputFiles } = await build({
    stdin: { contents: entry, resolveDir: dirname(padSource), loader: 'ts', sourcefile: 'drawn-pad.ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
  });
  return outputFiles[0].text;
}

/** A page holding only the docs' pad (script: padScript()), as window.pad. */
async function padPage(browser, script) {
  const page = await browser.newPage({ viewport: { width: 320, height: 320 } });
  // Served from localhost, a secure context as the docs are: Chromium offers getCoalescedEvents only there.
  // The canvas as the docs style it (draw-digit.css): 280 CSS pixels with a 1 px border, border-box.
  const html =
    '<!doctype html><style>*{box-sizing:border-box}body{margin:8px}' +
    'canvas.pad{display:block;width:280px;border:1px solid #ccc;touch-action:none}</style>' +
    `<body><script>${script.replaceAll('</script', '<\\/script')}</script></body>`;
  const url = 'http://127.0.0.1/drawn-pad.html';
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.goto(url);
  return page;
}

/**
 * Draws each drawing on the docs' pad in Chromium and returns the pad's grey levels, drawing after
 * drawing (PAD x PAD bytes each). A drawing waits on frames, not on the CPU, so `pages` pads draw at once.
 * In `browser` when given (left open), else in a Chromium of its own.
 */
export async function drawOnPad(drawings, { pages = 8, browser: given } = {}) {
  const script = await padScript();
  const browser = given ?? (await startChromium());
  try {
    const out = new Array(drawings.length);
    let next = 0;
    const worker = async () => {
      const page = await padPage(browser, script);
      const width = await page.$eval('canvas.pad', (c) => c.width);
      if (width !== PAD)
        throw new Error(`drawn: the pad is ${width} pixels wide; drawn.mjs draws on ${PAD}. Update PAD.`);
      const box = await page.locator('canvas.pad').boundingBox();
      const pad = await page.evaluateHandle(() => window.pad);
      while (next < drawings.length) {
        const i = next++;
        await pad.evaluate((p) => p.clear());
        await drawStrokes(page, box, drawings[i].strokes);
        out[i] = await padGrey(pad);
      }
      await page.close();
    };
    await Promise.all(Array.from({ length: Math.min(pages, drawings.length) }, worker));
    return out;
  } finally {
    if (!given) await browser.close();
  }
}

/**
 * The 'docs canvas' source of bench robust: every drawing of drawnDigits({ seed }) as the pad gave it,
 * { source, variant: '<digit> <form>', writer, label, image } with image the pad's 280 x 280 RGBA.
 * From the cache when this file, drawn-forms.mjs, pad.ts and the seed are unchanged; else drawn in Chromium and cached.
 */
export async function drawnCases({ seed = 1 } = {}) {
  const drawings = drawnDigits({ seed });
  const hash = createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(readFileSync(fileURLToPath(new URL('./drawn-forms.mjs', import.meta.url))))
    .update(readFileSync(padSource))
    .update(JSON.stringify({ seed }))
    .digest('hex')
    .slice(0, 16);
  const file = join(cacheDir, `docs-canvas-${hash}.gz`);
  const size = PAD * PAD;
  let bytes;
  const t0 = performance.now();
  if (existsSync(file)) {
    bytes = gunzipSync(readFileSync(file));
    if (bytes.length !== drawings.length * size) bytes = undefined;
  }
  if (bytes) {
    console.log(`docs canvas: ${drawings.length} drawings from the cache (${file})`);
  } else {
    const greys = await drawOnPad(drawings);
    bytes = Buffer.concat(greys);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${file}.${process.pid}`, gzipSync(bytes));
    renameSync(`${file}.${process.pid}`, file);
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`docs canvas: ${drawings.length} drawings drawn in Chromium in ${seconds} s, cached in ${file}`);
  }
  return drawings.map((d, i) => ({
    source: 'docs canvas',
    variant: `${d.label} ${d.form}`,
    writer: d.writer,
    label: d.label,
    image: greyToRgba(bytes.subarray(i * size, (i + 1) * size)),
  }));
}
