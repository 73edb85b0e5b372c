// The live widgets inside the docs pages, as custom elements (the VitePress theme loads this bundle only on
// pages that use one). They run the real packages, in the page or in a Web Worker, on the backend picked
// in <neurite-backend-switcher>:
//   <neurite-backend-switcher>   widgets/backend.ts: cpu, wasm or webgpu, and which one runs
//   <neurite-train-demo>         widgets/train-demo.ts: chapter 4's gradient descent, J and the boundary live
//   <neurite-backprop-stepper>   widgets/backprop.ts: chapter 4's graphs, stepped backwards node by node
//   <neurite-playground>         widgets/playground.ts: small nets on 2-D data, the state in the URL
//   <neurite-draw-digit>         widgets/draw-digit.ts: draw a digit, every layer's maps, one unit's arithmetic
//   <neurite-mnist-trainer>      widgets/mnist-trainer.ts: the CNN trained on MNIST in a Web Worker
import './widgets/backend.js';
import './widgets/train-demo.js';
import './widgets/backprop.js';
import './widgets/playground.js';
import './widgets/draw-digit.js';
import './widgets/mnist-trainer.js';
