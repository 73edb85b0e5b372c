// Draws the course's pictures with the real packages, into docs/public/img/ (generated, not committed):
// every number in them comes from running the code the chapters show, so they cannot drift from it.
// build.mjs runs this before VitePress; `node apps/docs/pictures.mjs` runs it alone.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { random, setSeed, tensor2d, useBackend } from '@neurite/core';
import { loadMnist } from '@neurite/datasets';
import { Dense, Flatten } from '@neurite/layers';
import { confusionMatrix, loadModel, sequential } from '@neurite/model';
import {
  activationFunctionsSvg,
  barChartSvg,
  confusionMatrixSvg,
  featureMapGrid,
  kernelGrid,
  lineChartSvg,
  vectorStrip,
} from '@neurite/viz';
import { encodePng } from '@neurite/viz/node';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'docs', 'public', 'img');
mkdirSync(out, { recursive: true });
const written = [];
const save = (name, data) => {
  writeFileSync(join(out, name), typeof data === 'string' ? data : encodePng(data));
  written.push(name);
};
const t0 = performance.now();
await useBackend('wasm');

// Chapter 1: the bank-transactions network, every node with the value it computes for 2 children, 3 accounts.
{
  const hidden = new Dense({ units: 2, activation: 'relu', useBias: false, inputShape: [2], name: 'hidden' });
  const output = new Dense({ units: 1, useBias: false, name: 'output' });
  const model = sequential([hidden, output]);
  model.build();
  hidden.setWeightValues([[1, -1, 1, 1]]);
  output.setWeightValues([[2, -1]]);
  const values = [];
  for (const a of model.activations(tensor2d([[2, 3]]))) {
    values.push(Array.from(await a.output.data()));
    a.output.dispose();
  }
  save('bank-network.svg', networkSvg([2, 3], values[0], values[1][0]));
  model.dispose();
}

// Chapter 2: the four activation functions and their derivatives.
save('activation-functions.svg', activationFunctionsSvg({ width: 720, height: 300 }));

// Chapter 3: what hidden1 of a small MLP learned in two epochs (the chapter's code), as 28 x 28 templates.
{
  setSeed(1);
  const { train } = await loadMnist({ limit: 1000 });
  const hidden1 = new Dense({ units: 128, activation: 'relu', name: 'hidden1' });
  const model = sequential([
    new Flatten({ inputShape: [28, 28, 1] }),
    hidden1,
    new Dense({ units: 64, activation: 'relu' }),
    new Dense({ units: 10, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  model.build();
  const [before] = await hidden1.getWeightValues();
  const { x, y } = train.toTensors();
  await model.fit(x, y, { epochs: 2, batchSize: 16, seed: 1 });
  const [after] = await hidden1.getWeightValues();
  const change = after.values.map((w, i) => w - before.values[i]);
  save('hidden1-templates.png', featureMapGrid(change, [28, 28, 128], { colormap: 'diverging', scale: 2 }));
  x.dispose();
  y.dispose();
  model.dispose();
}

// Chapter 4: the cost J of the chapter's sigmoid unit, step by step under gradient descent (alpha = 3).
{
  setSeed(1);
  const points = Array.from({ length: 200 }, () => [random(), random()]);
  const X = tensor2d(points);
  const T = tensor2d(points.map(([a, b]) => [a + b > 1 ? 1 : 0]));
  const model = sequential([
    new Dense({ units: 1, activation: 'sigmoid', inputShape: [2], kernelInitializer: 'zeros' }),
  ]);
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  model.learningRate = 3;
  const h = await model.fit(X, T, { epochs: 101, batchSize: 200, seed: 1 });
  save(
    'gradient-descent-cost.svg',
    lineChartSvg({
      series: [{ name: 'J', values: h.history.loss }],
      x: h.epoch,
      title: 'Binary cross-entropy J under gradient descent',
      xLabel: 'step',
      yLabel: 'J',
    }),
  );
  X.dispose();
  T.dispose();
  model.dispose();
}

// Chapters 5 and 6: the CLI's default CNN (apps/docs/demo/model, made by make-model.sh): its training curves,
// its confusion matrix on the 10,000 test digits, its first-layer filters and every layer's output.
{
  const dir = join(here, 'demo', 'model');
  const { history } = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8'));
  save(
    'cnn-accuracy.svg',
    lineChartSvg({
      series: [
        { name: 'accuracy', values: history.accuracy },
        { name: 'valAccuracy', values: history.valAccuracy, dashed: true },
      ],
      title: 'Accuracy per epoch (train and validation)',
      xLabel: 'epoch',
      yLabel: 'accuracy',
    }),
  );
  const model = await loadModel(dir);
  const { test } = await loadMnist();
  const { x } = test.toTensors();
  const probabilities = model.predict(x, { batchSize: 1000 });
  const predicted = await probabilities.argMax(-1).data();
  probabilities.dispose();
  save('cnn-confusion.svg', confusionMatrixSvg(confusionMatrix(test.labels, predicted, 10), { cellSize: 34 }));
  const [kernel] = await model.layers[0].getWeightValues();
  save('cnn-conv1-filters.png', kernelGrid(kernel.values, kernel.shape, { scale: 20 }));
  // Test image 0 is a 7.
  for (const a of model.activations(x.slice([0], [1]))) {
    const values = await a.output.data();
    a.output.dispose();
    const name = `cnn-layer-${a.name}.${a.name === 'output' ? 'svg' : 'png'}`;
    if (a.shape.length === 4) save(name, featureMapGrid(values, a.shape, { scale: 3 }));
    else if (a.name === 'output') save(name, barChartSvg(Array.from(values), { labels: [...'0123456789'] }));
    else save(name, vectorStrip(values, { cellSize: 6, columns: 50 }));
  }
  save('cnn-input.png', featureMapGrid(test.images.subarray(0, 784), [1, 28, 28, 1], { scale: 4 }));
  x.dispose();
  model.dispose();
}
console.log(`docs pictures: ${written.length} files in ${out} (${Math.round(performance.now() - t0)} ms)`);

/** The bank network as an SVG: inputs, hidden nodes and output with their values, edges with weights. */
function networkSvg(inputs, hidden, output) {
  const node = (x, y, label, value) =>
    `<circle cx="${x}" cy="${y}" r="30" fill="#eef4ff" stroke="#3b6fd8" stroke-width="2"/>` +
    `<text x="${x}" y="${y - 4}" text-anchor="middle" font-size="12">${label}</text>` +
    `<text x="${x}" y="${y + 14}" text-anchor="middle" font-size="16" font-weight="bold">${value}</text>`;
  const edge = (x1, y1, x2, y2, w, t) => {
    const [lx, ly] = [x1 + (x2 - x1) * t, y1 + (y2 - y1) * t - 6];
    return (
      `<line x1="${x1 + 30}" y1="${y1}" x2="${x2 - 30}" y2="${y2}" stroke="${w < 0 ? '#c0392b' : '#555'}" stroke-width="2"/>` +
      `<text x="${lx}" y="${ly}" text-anchor="middle" font-size="13" fill="${w < 0 ? '#c0392b' : '#333'}">w = ${w}</text>`
    );
  };
  const ys = [80, 200];
  const parts = [];
  const w1 = [
    [1, -1],
    [1, 1],
  ];
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++) parts.push(edge(90, ys[i], 330, ys[j], w1[i][j], i === j ? 0.5 : 0.3));
  parts.push(edge(330, ys[0], 570, 140, 2, 0.5), edge(330, ys[1], 570, 140, -1, 0.5));
  parts.push(node(90, ys[0], 'children', inputs[0]), node(90, ys[1], 'accounts', inputs[1]));
  parts.push(node(330, ys[0], 'relu', hidden[0]), node(330, ys[1], 'relu', hidden[1]));
  parts.push(node(570, 140, 'output', output));
  const captions = ['input', 'hidden layer (ReLU)', 'output (linear)'];
  [90, 330, 570].forEach((x, i) => {
    parts.push(`<text x="${x}" y="270" text-anchor="middle" font-size="13" fill="#555">${captions[i]}</text>`);
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="660" height="290" viewBox="0 0 660 290" font-family="sans-serif">` +
    `<rect width="660" height="290" fill="#fff"/>${parts.join('')}</svg>`
  );
}
