// The Neurite docs site: the guides and the course from the repo's docs/ folder, and the typedoc API
// reference (built into /api/ by build.mjs).
import { defineConfig } from 'vitepress';

export default defineConfig({
  title: 'Neurite',
  description: 'Deep learning in TypeScript, on TensorFlow.js kernels: learn it, then do it.',
  srcDir: '../../docs',
  outDir: './dist',
  cleanUrls: false,
  head: [['link', { rel: 'icon', href: '/favicon.ico' }]],
  // $...$ and $$...$$ in the markdown are typeset at build time (MathJax, through markdown-it-mathjax3).
  markdown: { math: true },
  // Cross-origin isolation, as serve.mjs and the built site's _headers send it: the in-page trainer's
  // wasm threads need SharedArrayBuffer.
  vite: {
    server: {
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
  },
  // <neurite-...> tags in the markdown are the live widgets (demo/widgets.ts), not Vue components.
  vue: { template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('neurite-') } } },
  // The API reference is generated after VitePress runs; links into it are checked by the site test.
  ignoreDeadLinks: [/^\/api\//, /^\/demo\//],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Course', link: '/course/01-forward-propagation' },
      {
        text: 'Try it',
        items: [
          { text: 'Draw a digit', link: '/demo' },
          { text: 'Train MNIST in this page', link: '/train' },
          { text: 'Playground', link: '/playground' },
        ],
      },
      { text: 'API', link: '/api/index.html', target: '_self' },
    ],
    sidebar: [
      {
        text: 'Try it',
        items: [
          { text: 'Draw a digit', link: '/demo' },
          { text: 'Train MNIST in this page', link: '/train' },
          { text: 'Playground: small nets on 2-D data', link: '/playground' },
        ],
      },
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'Backends', link: '/backends' },
          { text: 'From Sequential to graphs', link: '/guide/graphs' },
          { text: 'Writing a layer plugin', link: '/guide/writing-a-layer-plugin' },
          { text: 'The NoisyDense plugin', link: '/guide/noisy-dense-plugin' },
          { text: 'Bring a Keras model', link: '/guide/keras-in' },
          { text: 'Take your model to Keras', link: '/guide/keras-out' },
          { text: 'The model file format', link: '/model-format' },
          { text: 'Security', link: '/guide/security' },
          { text: 'Architecture', link: '/architecture' },
        ],
      },
      {
        text: 'Course',
        items: [
          { text: '1. Forward propagation', link: '/course/01-forward-propagation' },
          { text: '2. Activation functions', link: '/course/02-activation-functions' },
          { text: '3. Deeper networks', link: '/course/03-deeper-networks' },
          { text: '4. Backpropagation and gradient descent', link: '/course/04-backpropagation-and-gradient-descent' },
          { text: '5. A CNN on MNIST', link: '/course/05-cnn-on-mnist' },
          { text: '6. Visualising activations', link: '/course/06-visualising-activations' },
        ],
      },
    ],
  },
});
