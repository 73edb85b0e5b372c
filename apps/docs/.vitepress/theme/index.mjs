// The default theme, plus the live widgets: pages that contain a <neurite-...> element get the widgets
// bundle (built by build.mjs into /demo/widgets.js, about 2 MB), loaded once; other pages never load it.
import DefaultTheme from 'vitepress/theme';
import './widgets.css';
import './backprop.css';
import './playground.css';
import './draw-digit.css';
import './mnist-trainer.css';

const TAGS = [
  'neurite-backend-switcher',
  'neurite-train-demo',
  'neurite-backprop-stepper',
  'neurite-playground',
  'neurite-draw-digit',
  'neurite-mnist-trainer',
].join(', ');

/**
 * tfjs reads the page's query when it loads: it sets any flag named in `tfjsflags` from a link, and a
 * malformed escape (a stray '%') throws before a widget exists. Such a query is taken out of the address
 * first; the widgets' own keys (?backend=) stay.
 */
function cleanQuery() {
  const q = location.search;
  if (!q) return;
  let params;
  try {
    decodeURIComponent(q);
    params = new URLSearchParams(q);
  } catch {
    history.replaceState(history.state, '', location.pathname + location.hash);
    return;
  }
  if (!params.has('tfjsflags')) return;
  params.delete('tfjsflags');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
}

export default {
  extends: DefaultTheme,
  enhanceApp() {
    if (typeof window === 'undefined') return; // server-side rendering at build time
    let loaded = false;
    const check = () => {
      if (loaded || !document.querySelector(TAGS)) return;
      loaded = true;
      cleanQuery();
      const url = '/demo/widgets.js';
      import(/* @vite-ignore */ url).catch((e) => {
        console.error(`Neurite widgets failed to load: ${e.message}`);
        for (const el of document.querySelectorAll(TAGS))
          el.textContent = `This live widget failed to load (${e.message}). Reload the page; if it persists, open it without the part after '?'.`;
      });
    };
    // Pages change without a reload in VitePress: watch the document for the tags.
    new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
    check();
  },
};
