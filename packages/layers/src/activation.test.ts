import { tensor, useBackend } from '@neurite/core';
import { Activation, type ActivationName, activations, getActivation } from '@neurite/layers';
import { describeLayer } from '@neurite/layers/testing';
import { describe, expect, it } from 'vitest';

for (const name of Object.keys(activations) as ActivationName[]) {
  await describeLayer(Activation, { config: { activation: name }, inputShape: [2, 5] });
}
await describeLayer(Activation, {
  config: { activation: 'leakyRelu', alpha: 0.1 },
  inputShape: [2, 5],
  title: 'alpha 0.1',
});

// Values by hand at x = -1, 0.5: [f(-1), f(0.5)] and [f'(-1), f'(0.5)].
const s = (v: number) => 1 / (1 + Math.exp(-v));
const phi = (v: number) => Math.exp((-v * v) / 2) / Math.sqrt(2 * Math.PI);
// erf-based GELU at 0.5: Phi(0.5) = 0.6914624612740131, Phi(-1) = 0.15865525393145707
const Phi: Record<string, number> = { '-1': 0.15865525393145707, '0.5': 0.6914624612740131 };
const expected: Record<ActivationName, [number[], number[]]> = {
  linear: [
    [-1, 0.5],
    [1, 1],
  ],
  sigmoid: [
    [s(-1), s(0.5)],
    [s(-1) * (1 - s(-1)), s(0.5) * (1 - s(0.5))],
  ],
  tanh: [
    [Math.tanh(-1), Math.tanh(0.5)],
    [1 - Math.tanh(-1) ** 2, 1 - Math.tanh(0.5) ** 2],
  ],
  relu: [
    [0, 0.5],
    [0, 1],
  ],
  leakyRelu: [
    [-0.2, 0.5],
    [0.2, 1],
  ],
  elu: [
    [Math.exp(-1) - 1, 0.5],
    [Math.exp(-1), 1],
  ],
  gelu: [
    [-1 * Phi['-1'], 0.5 * Phi['0.5']],
    [Phi['-1'] - phi(-1), Phi['0.5'] + 0.5 * phi(0.5)],
  ],
  softplus: [
    [Math.log(1 + Math.exp(-1)), Math.log(1 + Math.exp(0.5))],
    [s(-1), s(0.5)],
  ],
  swish: [
    [-s(-1), 0.5 * s(0.5)],
    [s(-1) - s(-1) * (1 - s(-1)), s(0.5) + 0.5 * s(0.5) * (1 - s(0.5))],
  ],
  softmax: [
    [Math.exp(-1) / (Math.exp(-1) + Math.exp(0.5)), Math.exp(0.5) / (Math.exp(-1) + Math.exp(0.5))],
    [0, 0],
  ],
};
const sm = expected.softmax[0];
expected.softmax[1] = [sm[0] * (1 - sm[0]), sm[1] * (1 - sm[1])];

describe('activation functions and derivatives, by hand', () => {
  for (const name of Object.keys(expected) as ActivationName[]) {
    it(name, async () => {
      await useBackend('cpu');
      const f = getActivation(name);
      const x = tensor([-1, 0.5]);
      const [values, slopes] = expected[name];
      const got = Array.from(await f(x).data());
      const d = Array.from(await f.derivative(x).data());
      got.forEach((v, i) => {
        expect(v).toBeCloseTo(values[i], 5);
      });
      d.forEach((v, i) => {
        expect(v).toBeCloseTo(slopes[i], 5);
      });
    });
  }
  it('names the choices for an unknown activation', () => {
    expect(() => getActivation('Relu')).toThrow(
      "Unknown activation 'Relu'. Expected one of: linear, sigmoid, tanh, relu, leakyRelu, elu, gelu, softplus, swish, softmax.",
    );
  });
  it('looks names up in its own table only: Object.prototype names are unknown activations', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => getActivation(name)).toThrow(`Unknown activation '${name}'.`);
    }
    expect(() => getActivation({} as never)).toThrow('Unknown activation {}.');
  });
});
