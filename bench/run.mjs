// `pnpm bench [entry ...] [--backends cpu,wasm,webgpu]`: prints a table per entry and writes JSON to
// bench-results/. Entries: kernels, datasets, train (add --with-torch for the PyTorch reference;
// it needs Debian's python3-torch and never runs in CI; add --accuracy for 3 epochs of the real MNIST
// with Neurite and PyTorch; add --against <git ref> for this checkout's step beside a build of that ref,
// in turns, bench/against.mjs), profile (ms per kernel in one training step), inference (batch 1 and 128
// beside tfjs-layers and onnxruntime-web), browser (the in-page trainer in headless Chromium beside Node),
// robust (trained models on digits that are not MNIST's: fonts, UCI's digits, degraded MNIST; --models a,b;
// --torch adds PyTorch's reference CNN trained the same way, bench/robust/torch.mjs: needs python3-torch;
// --tta adds each model read with predict --tta).
import { webgpu } from '@neurite/backend-webgpu';
import { registerBackend } from '@neurite/core';
import { benchBrowser, printBrowser } from './browser.mjs';
import { benchDatasets, printDatasets } from './datasets.mjs';
import { benchInference, printInference } from './inference.mjs';
import { benchKernels, printKernels, writeResults } from './kernels.mjs';
import { benchProfile, printProfile } from './profile.mjs';
import { benchRobust, printRobust } from './robust.mjs';
import { benchTrain, printTrain } from './train.mjs';

const ENTRIES = {
  kernels: { run: benchKernels, print: printKernels },
  datasets: { run: benchDatasets, print: printDatasets },
  train: { run: benchTrain, print: printTrain },
  profile: { run: benchProfile, print: printProfile },
  inference: { run: benchInference, print: printInference },
  browser: { run: benchBrowser, print: printBrowser },
  robust: { run: benchRobust, print: printRobust },
};

const args = process.argv.slice(2);
const flag = args.indexOf('--backends');
const backends = flag >= 0 ? args[flag + 1].split(',') : ['cpu', 'wasm', 'webgpu'];
const withTorch = args.includes('--with-torch');
const accuracy = args.includes('--accuracy');
const torch = args.includes('--torch');
const tta = args.includes('--tta');
const againstFlag = args.indexOf('--against');
const against = againstFlag >= 0 ? args[againstFlag + 1] : undefined;
if (againstFlag >= 0 && (!against || against.startsWith('--'))) {
  console.error('--against needs a git ref, e.g. --against main or --against 8b067e3.');
  process.exit(2);
}
const modelsFlag = args.indexOf('--models');
const models = modelsFlag >= 0 ? args[modelsFlag + 1]?.split(',') : undefined;
if (modelsFlag >= 0 && (!models || models[0] === '' || models[0].startsWith('--'))) {
  console.error('--models needs model folders, e.g. --models ~/.neurite/mnist/model,/tmp/other.');
  process.exit(2);
}
const values = new Set([flag, againstFlag, modelsFlag].filter((i) => i >= 0).map((i) => i + 1));
const names = args.filter((a, i) => !a.startsWith('--') && !values.has(i));
for (const n of names) {
  if (!ENTRIES[n]) {
    console.error(`Unknown benchmark '${n}'. Expected one of: ${Object.keys(ENTRIES).join(', ')}.`);
    process.exit(2);
  }
}
if (backends.includes('webgpu')) registerBackend(webgpu);

for (const name of names.length ? names : Object.keys(ENTRIES)) {
  const entry = ENTRIES[name];
  console.log(`\n== ${name} ==`);
  const rows = await entry.run({ backends, withTorch, accuracy, against, models, torch, tta });
  console.log(entry.print(rows));
  console.log(`\nwrote ${writeResults(name, rows, { backends })}`);
}
process.exit(0);
