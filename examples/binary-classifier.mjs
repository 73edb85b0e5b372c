// Course chapter 4, gradient descent with binary cross-entropy: one sigmoid unit, J = mean loss,
// W <- W - alpha dJ/dW (plain SGD), on points labelled 1 when x0 + x1 > 1. Watch J fall.
import { random, setSeed, tensor2d, useBackend } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { sequential } from '@neurite/model';
import { sgd } from '@neurite/optimizers';

await useBackend();
setSeed(1);
const points = Array.from({ length: 200 }, () => [random(), random()]);
const x = tensor2d(points);
const y = tensor2d(points.map(([a, b]) => [a + b > 1 ? 1 : 0]));
const model = sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
model.compile({ optimizer: sgd({ learningRate: 3 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const h = await model.fit(x, y, { epochs: 40, batchSize: 200, seed: 1 });
h.history.loss.forEach((j, epoch) => {
  if (epoch % 5 === 0 || epoch === 39) {
    console.log(
      `epoch ${String(epoch + 1).padStart(2)}: J = ${j.toFixed(4)}, accuracy ${(h.history.accuracy[epoch] * 100).toFixed(1)}%`,
    );
  }
});
if (!(h.history.loss[39] < h.history.loss[0])) throw new Error('the loss did not fall');
