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

export default {
  extends: DefaultTheme,
  enhanceApp() {
    if (typeof window === 'undefined') return; // server-side rendering at build time
    let loaded = false;
    const check = () => {
      if (loaded || !document.querySelector(TAGS)) return;
      loaded = true;
      const url = '/demo/widgets.js';
      import(/* @vite-ignore */ url).catch((e) => console.error(`Neurite widgets failed to load: ${e.message}`));
    };
    // Pages change without a reload in VitePress: watch the document for the tags.
    new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
    check();
  },
};
