// Beyond the course: a small residual CNN for 28 x 28 images, written with the functional API.
// Three residual blocks (Conv2D -> BatchNormalization -> ReLU -> Conv2D -> BatchNormalization, added to
// the block's input); the second and third halve the size and double the filters, so their shortcut
// is a strided 1x1 convolution (a projection). Prints the summary and writes the architecture to a
// file that `neurite-mnist train --model <file>` trains:
//   node examples/residual-cnn.mjs resnet.json
//   pnpm mnist train --model resnet.json --dataset fashion-mnist --epochs 3
import { writeFileSync } from 'node:fs';
import { useBackend } from '@neurite/core';
import {
  Activation,
  Add,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  GlobalAveragePooling2D,
  input,
} from '@neurite/layers';
import { model } from '@neurite/model';

await useBackend('cpu');

const conv = (filters, name, { kernelSize = 3, strides = 1 } = {}) =>
  new Conv2D({ filters, kernelSize, strides, padding: 'same', useBias: false, name });
// Momentum 0.9 (Keras's default is 0.99): over a few epochs the moving statistics, which inference uses,
// then keep up with weights that are still changing fast.
const bn = (name) => new BatchNormalization({ momentum: 0.9, name });
const relu = (name) => new Activation({ activation: 'relu', name });

/** One residual block: two 3x3 convolutions beside a shortcut, joined by Add. */
function block(x, filters, name, strides = 1) {
  let h = relu(`${name}_relu1`).apply(bn(`${name}_bn1`).apply(conv(filters, `${name}_conv1`, { strides }).apply(x)));
  h = bn(`${name}_bn2`).apply(conv(filters, `${name}_conv2`).apply(h));
  // Where the block changes the size or the filters, the shortcut is a 1x1 projection to match.
  const changes = strides !== 1 || x.shape[3] !== filters;
  const shortcut = changes
    ? bn(`${name}_proj_bn`).apply(conv(filters, `${name}_proj`, { kernelSize: 1, strides }).apply(x))
    : x;
  return relu(`${name}_out`).apply(new Add({ name: `${name}_add` }).apply([shortcut, h]));
}

const image = input({ shape: [28, 28, 1], name: 'image' });
let x = relu('stem_relu').apply(bn('stem_bn').apply(conv(16, 'stem').apply(image)));
x = block(x, 16, 'block1');
x = block(x, 32, 'block2', 2);
x = block(x, 64, 'block3', 2);
x = new GlobalAveragePooling2D({ name: 'pool' }).apply(x);
x = new Dropout({ rate: 0.2, name: 'dropout' }).apply(x);
const probabilities = new Dense({ units: 10, activation: 'softmax', name: 'output' }).apply(x);
const resnet = model({ inputs: image, outputs: probabilities, name: 'small_resnet' });

resnet.summary();
const file = process.argv[2];
if (file) {
  writeFileSync(file, `${JSON.stringify(resnet.toJSON(), null, 2)}\n`);
  console.log(`wrote ${file}: train it with neurite-mnist train --model ${file}`);
}
