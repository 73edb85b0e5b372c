import {
  conv2d,
  conv2dBiasRelu,
  grads,
  liveTensors,
  NeuriteError,
  relu,
  type Tensor,
  type Tensor4D,
  tensor1d,
  tensor4d,
  tidy,
} from '@neurite/core';
import { describeBackends, expectClose, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';

interface Case {
  batch: number;
  size: [number, number];
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: number;
  padding: 'same' | 'valid';
  bias: boolean;
  activation: 'relu' | 'linear';
}

// Against the same sum written as three ops (conv2d, add, relu), value and gradients: one-channel inputs
// (wasm's register-tiled kernel at 8 and 16 channels), patches deep enough for the matrix product, and
// what both leave to tfjs (5 channels, strides, 'same').
const cases: Case[] = [];
// [batch, size, inChannels, outChannels, kernel, stride, padding]
const shapes: [number, [number, number], number, number, [number, number], number, 'same' | 'valid'][] = [
  [2, [9, 8], 1, 16, [3, 3], 1, 'valid'],
  [2, [7, 7], 4, 8, [3, 3], 1, 'valid'],
  [3, [6, 5], 3, 5, [2, 3], 2, 'same'],
];
const shaped = (i: number, bias: boolean, activation: 'relu' | 'linear', at = shapes[i]): Case => {
  const [batch, size, inChannels, outChannels, kernel, stride, padding] = at;
  return { batch, size, inChannels, outChannels, kernel, stride, padding, bias, activation };
};
for (const activation of ['relu', 'linear'] as const)
  for (const bias of [true, false]) for (let i = 0; i < shapes.length; i++) cases.push(shaped(i, bias, activation));
cases.push(shaped(0, true, 'relu', [2, [8, 8], 1, 8, [3, 3], 1, 'same']));
cases.push(shaped(0, true, 'relu', [1, [5, 6], 8, 24, [1, 1], 1, 'valid']));

const label = (c: Case) =>
  `x[${c.batch},${c.size},${c.inChannels}] k${c.kernel.join('x')}->${c.outChannels} s${c.stride} ${c.padding}` +
  `${c.bias ? ' +bias' : ''} ${c.activation}`;

await describeBackends('conv2dBiasRelu', (backend) => {
  for (const c of cases) {
    it(`matches conv2d + bias + relu and their gradients: ${label(c)}`, async () => {
      const x = tensor4d(floats(c.batch * c.size[0] * c.size[1] * c.inChannels, 1), [c.batch, ...c.size, c.inChannels]);
      const w = tensor4d(floats(c.kernel[0] * c.kernel[1] * c.inChannels * c.outChannels, 2), [
        ...c.kernel,
        c.inChannels,
        c.outChannels,
      ]);
      const b = tensor1d(floats(c.outChannels, 3));
      const before = liveTensors();
      const fused = (xi: Tensor, wi: Tensor, bi: Tensor) =>
        conv2dBiasRelu(xi as Tensor4D, wi as Tensor4D, {
          strides: c.stride,
          padding: c.padding,
          bias: c.bias ? bi : undefined,
          activation: c.activation,
        });
      const plain = (xi: Tensor, wi: Tensor, bi: Tensor) => {
        let y: Tensor = conv2d(xi as Tensor4D, wi as Tensor4D, c.stride, c.padding);
        if (c.bias) y = y.add(bi);
        return c.activation === 'relu' ? relu(y) : y;
      };
      const y = fused(x, w, b);
      const expected = tidy(() => plain(x, w, b));
      expect(y.shape).toEqual(expected.shape);
      expectClose(await y.data(), await expected.data(), backend, 10);
      // A weighted sum, so that every output's gradient differs.
      const r = tensor4d(floats(y.size, 4), y.shape as [number, number, number, number]);
      // Without a bias, b takes no part: the gradients are for x and w only.
      const args = c.bias ? [x, w, b] : [x, w];
      const gf = grads((xi: Tensor, wi: Tensor, bi: Tensor) => fused(xi, wi, bi).mul(r).sum())(args);
      const gp = grads((xi: Tensor, wi: Tensor, bi: Tensor) => plain(xi, wi, bi).mul(r).sum())(args);
      for (let i = 0; i < args.length; i++) expectClose(await gf[i].data(), await gp[i].data(), backend, 20);
      for (const t of [y, expected, r, ...gf, ...gp]) t.dispose();
      const after = liveTensors();
      expect(after.tensors).toBe(before.tensors);
      expect(after.dataIds).toBe(before.dataIds);
      for (const t of [x, w, b]) t.dispose();
    });
  }

  it('says what is wrong with its arguments', () => {
    const x = tensor4d(floats(2 * 4 * 4 * 3, 5), [2, 4, 4, 3]);
    const w = tensor4d(floats(3 * 3 * 2 * 4, 6), [3, 3, 2, 4]);
    const w3 = tensor4d(floats(3 * 3 * 3 * 4, 6), [3, 3, 3, 4]);
    const b = tensor1d([1, 2, 3]);
    expect(() => conv2dBiasRelu(x, w)).toThrow(NeuriteError);
    expect(() => conv2dBiasRelu(x, w)).toThrow(/input channels \(2\) must match x's channels \(3\)/);
    expect(() => conv2dBiasRelu(x, w3, { bias: b })).toThrow(/bias must be 1-D with the filter's 4 output channels/);
    expect(() => conv2dBiasRelu(x, w3, { activation: 'tanh' as never })).toThrow(
      /activation must be 'linear' or 'relu'/,
    );
    expect(() => conv2dBiasRelu(x, w3, { padding: 'full' as never })).toThrow(/padding must be 'same' or 'valid'/);
    expect(() => conv2dBiasRelu(x, w3, { strides: 0 })).toThrow(/strides must be a positive integer/);
    for (const t of [x, w, w3, b]) t.dispose();
  });
});
