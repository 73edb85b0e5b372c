import { grad, liveTensors, relu, type Tensor, tensor } from '@neurite/core';
import { describeBackends, floats } from '@neurite/core/testing';
import { expect, it } from 'vitest';

await describeBackends('Identity and Cast', (backend) => {
  // cpu's kernels and Neurite's wasm ones share the data; the values are what every backend must agree on.
  const shares = backend === 'cpu' || backend === 'wasm';

  it('clones without copying, and the clone outlives its source', async () => {
    const values = floats(24, 11);
    const x = tensor(values, [2, 3, 4]);
    const before = liveTensors();
    const y = x.clone();
    expect(liveTensors().tensors).toBe(before.tensors + 1);
    if (shares) expect(liveTensors().dataIds).toBe(before.dataIds);
    x.dispose();
    expect(y.shape).toEqual([2, 3, 4]);
    expect(Array.from(await y.data())).toEqual(Array.from(values));
    y.dispose();
    expect(liveTensors().dataIds).toBe(before.dataIds - 1);
  });

  it('casts to the same dtype without copying; other casts convert', async () => {
    const x = tensor([1.5, -2.25, 0, 3], [4]);
    const before = liveTensors();
    const same = x.cast('float32');
    if (shares) expect(liveTensors().dataIds).toBe(before.dataIds);
    const asInt = x.cast('int32');
    const asBool = x.cast('bool');
    const i = tensor([3, -1, 0], [3], 'int32');
    const asFloat = i.cast('float32');
    expect(Array.from(await same.data())).toEqual([1.5, -2.25, 0, 3]);
    expect(asInt.dtype).toBe('int32');
    expect(Array.from(await asInt.data())).toEqual([1, -2, 0, 3]);
    expect(Array.from(await asBool.data())).toEqual([1, 1, 0, 1]);
    expect(asFloat.dtype).toBe('float32');
    expect(Array.from(await asFloat.data())).toEqual([3, -1, 0]);
    for (const t of [x, same, asInt, asBool, i, asFloat]) t.dispose();
    expect(liveTensors()).toEqual({
      ...before,
      tensors: before.tensors - 1,
      dataIds: before.dataIds - 1,
      bytes: before.bytes - 16,
    });
  });

  // tfjs 4.22's wasm kernel keeps the low byte instead: 0.2 -> 0, 256 -> 0, -2 -> 254.
  it('casts to bool as x != 0, NaN included', async () => {
    const f = tensor([0.2, 256, -2, 0, Number.NaN, -0], [6]);
    const i = tensor([256, -2, 0], [3], 'int32');
    const fb = f.cast('bool');
    const ib = i.cast('bool');
    expect(fb.dtype).toBe('bool');
    expect(Array.from(await fb.data())).toEqual([1, 1, 1, 0, 1, 0]);
    expect(Array.from(await ib.data())).toEqual([1, 1, 0]);
    for (const t of [f, i, fb, ib]) t.dispose();
  });

  it("relu's gradient (which clones its input and casts its mask) is right and leaves nothing behind", async () => {
    const x = tensor([-2, -0.5, 0.5, 3, -1, 2], [2, 3]);
    const before = liveTensors();
    const dx = grad((t) => relu(t as Tensor).mul(tensor([1, 2, 3, 4, 5, 6], [2, 3])))(x);
    expect(Array.from(await dx.data())).toEqual([0, 0, 3, 4, 0, 6]);
    dx.dispose();
    expect(liveTensors()).toEqual(before);
    x.dispose();
  });
});
