// @neurite/layers/testing: the conformance kit. Any layer (built-in or plugin) runs it in its own tests:
//   await describeLayer(Conv2D, { config: { filters: 3, kernelSize: 3 }, inputShape: [2, 6, 6, 2] });
// It runs on every backend (describeBackends from @neurite/core/testing) and checks output shapes,
// config round-trips, gradients against central finite differences, agreement with cpu, training vs
// inference behaviour, and leaks.
import {
  grad as gradOf,
  liveTensors,
  setSeed,
  type Tensor,
  tensor,
  tidy,
  useBackend,
  type Variable,
  variableGrads,
} from '@neurite/core';
import { describeBackends, TOLERANCE } from '@neurite/core/testing';
import { expect, it } from 'vitest';
import type { Layer, LayerConfig } from '../layer.js';
import { type LayerClass, layerFromConfig, serializeLayer } from '../registry.js';
import { compareArrays, finiteDifference, floats, sampleIndices } from './numeric.js';

/** What describeLayer needs to know about one layer configuration. */
export interface LayerSpec {
  /** The layer's config. */
  config: LayerConfig & Record<string, unknown>;
  /** The input shape, batch included; keep it small (webgpu runs on a CPU emulator in CI). */
  inputShape: number[];
  /** True when training-mode output differs from inference (Dropout, BatchNormalization, noise layers). */
  trainingDiffers?: boolean;
  /** Check gradients against finite differences (default true). */
  gradients?: boolean;
  /** Multiplies the tolerances, for layers whose sums are long. Default 1. */
  tolerance?: number;
  /** Appended to the suite's title. */
  title?: string;
}

interface Evaluated {
  output: Float32Array;
  outShape: number[];
  gradInput: Float32Array | null;
  gradWeights: Float32Array[];
}

function make(cls: LayerClass, spec: LayerSpec): Layer {
  // Fixed weights: a check that passes, passes every run (finite differences near a kink depend on them).
  setSeed(20241125);
  const layer = new cls({ ...spec.config });
  layer.ensureBuilt([null, ...spec.inputShape.slice(1)]);
  return layer;
}

async function evaluate(layer: Layer, x: Tensor, r: Tensor | null, withGrads: boolean): Promise<Evaluated> {
  const y = layer.apply(x);
  const output = (await y.data()) as Float32Array;
  const outShape = [...y.shape];
  y.dispose();
  if (!withGrads || !r) return { output, outShape, gradInput: null, gradWeights: [] };
  const loss = (input: Tensor) => layer.apply(input).mul(r).sum();
  const gx = gradOf(loss)(x);
  const gradInput = (await gx.data()) as Float32Array;
  gx.dispose();
  const vars = layer.trainableWeights.map((w) => w.variable);
  const gradWeights: Float32Array[] = [];
  if (vars.length > 0) {
    const { value, grads } = variableGrads(() => loss(x) as never, vars);
    value.dispose();
    for (const v of vars) {
      // A weight the loss does not use (a noise scale at inference, say) has no gradient: it is zero.
      const g = grads[v.name];
      gradWeights.push(g ? ((await g.data()) as Float32Array) : new Float32Array(v.size));
      g?.dispose();
    }
  }
  return { output, outShape, gradInput, gradWeights };
}

/**
 * Runs the conformance suite for one layer configuration on every backend.
 *
 * @example
 * ```ts
 * import { Dense } from '@neurite/layers';
 * import { describeLayer } from '@neurite/layers/testing';
 *
 * await describeLayer(Dense, { config: { units: 3, activation: 'tanh' }, inputShape: [2, 4] });
 * ```
 */
export async function describeLayer(cls: LayerClass, spec: LayerSpec): Promise<void> {
  const title = `${cls.className} ${spec.title ?? JSON.stringify(spec.config)}`;
  const scale = spec.tolerance ?? 1;
  const xValues = floats(
    spec.inputShape.reduce((a, b) => a * b, 1),
    17,
  );
  const withGrads = spec.gradients ?? true;

  await describeBackends(title, (backend) => {
    it('output shape equals computeOutputShape', () => {
      const layer = make(cls, spec);
      const y = layer.apply(tensor(xValues, spec.inputShape));
      const predicted = layer.computeOutputShape([null, ...spec.inputShape.slice(1)]);
      expect([null, ...y.shape.slice(1)]).toEqual(predicted);
      expect(y.shape[0]).toBe(spec.inputShape[0]);
      y.dispose();
      layer.dispose();
    });

    it('config round-trips through the registry, and the copy computes the same', async () => {
      const layer = make(cls, spec);
      const saved = JSON.parse(JSON.stringify(serializeLayer(layer)));
      const copy = layerFromConfig(saved);
      expect(copy.constructor).toBe(cls);
      expect(copy.getConfig()).toEqual(layer.getConfig());
      copy.ensureBuilt([null, ...spec.inputShape.slice(1)]);
      copy.setWeightValues(await layer.getWeightValues());
      const x = tensor(xValues, spec.inputShape);
      const a = await evaluate(layer, x, null, false);
      const b = await evaluate(copy, x, null, false);
      expect(b.output).toEqual(a.output);
      x.dispose();
      layer.dispose();
      copy.dispose();
    });

    if (withGrads) {
      it('gradients wrt input and weights match central finite differences', async () => {
        const layer = make(cls, spec);
        const x = tensor(xValues, spec.inputShape);
        const outShape = layer.apply(x).shape;
        const r = tensor(
          floats(
            outShape.reduce((a, b) => a * b, 1),
            29,
          ),
          outShape,
        );
        const analytic = await evaluate(layer, x, r, true);
        const lossAt = async (xs: Tensor) => {
          const l = tidy(() => layer.apply(xs).mul(r).sum());
          const v = (await l.data())[0];
          l.dispose();
          return v;
        };
        // Input.
        const numericX = await finiteDifference(xValues, sampleIndices(xValues.length, 8), async (values) => {
          const t = tensor(values, spec.inputShape);
          const v = await lossAt(t);
          t.dispose();
          return v;
        });
        compareArrays(analytic.gradInput as Float32Array, numericX, `d loss / d input [${backend}]`, scale);
        // Each trainable weight.
        const weights = layer.trainableWeights;
        for (let w = 0; w < weights.length; w++) {
          const variable: Variable = weights[w].variable;
          const original = (await variable.data()) as Float32Array;
          const numeric = await finiteDifference(original, sampleIndices(original.length, 8), async (values) => {
            const t = tensor(values, variable.shape);
            variable.assign(t);
            t.dispose();
            return lossAt(x);
          });
          const restore = tensor(original, variable.shape);
          variable.assign(restore);
          restore.dispose();
          compareArrays(analytic.gradWeights[w], numeric, `d loss / d ${weights[w].name} [${backend}]`, scale);
        }
        x.dispose();
        r.dispose();
        layer.dispose();
      });
    }

    if (backend !== 'cpu') {
      it('computes the same outputs and gradients as cpu', async () => {
        const layer = make(cls, spec);
        const weights = await layer.getWeightValues();
        const x = tensor(xValues, spec.inputShape);
        const outShape = layer.apply(x).shape;
        const rValues = floats(
          outShape.reduce((a, b) => a * b, 1),
          29,
        );
        const r = tensor(rValues, outShape);
        const here = await evaluate(layer, x, r, withGrads);
        layer.dispose();
        await useBackend('cpu');
        const ref = make(cls, spec);
        ref.setWeightValues(weights);
        const xc = tensor(xValues, spec.inputShape);
        const rc = tensor(rValues, outShape);
        const there = await evaluate(ref, xc, rc, withGrads);
        ref.dispose();
        const { rtol, atol } = TOLERANCE[backend] ?? TOLERANCE.webgpu;
        const tol = { rtol: rtol * 10 * scale, atol: atol * 10 * scale };
        compareArrays(here.output, there.output, `output [${backend} vs cpu]`, 1, tol);
        if (here.gradInput && there.gradInput) {
          compareArrays(here.gradInput, there.gradInput, `d loss / d input [${backend} vs cpu]`, 1, tol);
        }
        here.gradWeights.forEach((g, i) => {
          compareArrays(g, there.gradWeights[i], `d loss / d weight ${i} [${backend} vs cpu]`, 1, tol);
        });
        await useBackend(backend);
      });
    }

    it(`${spec.trainingDiffers ? 'behaves differently' : 'behaves the same'} in training, and inference changes no weight`, async () => {
      const layer = make(cls, spec);
      const x = tensor(xValues, spec.inputShape);
      const before = await layer.getWeightValues();
      const inf1 = await evaluate(layer, x, null, false);
      const inf2 = await evaluate(layer, x, null, false);
      expect(inf2.output).toEqual(inf1.output);
      expect(await layer.getWeightValues()).toEqual(before);
      setSeed(5);
      const yt = layer.apply(x, { training: true });
      const train = (await yt.data()) as Float32Array;
      yt.dispose();
      let maxDiff = 0;
      for (let i = 0; i < train.length; i++) maxDiff = Math.max(maxDiff, Math.abs(train[i] - inf1.output[i]));
      if (spec.trainingDiffers) expect(maxDiff, 'training output should differ from inference').toBeGreaterThan(1e-4);
      else expect(maxDiff, 'training output should equal inference').toBeLessThan(1e-5 * scale);
      x.dispose();
      layer.dispose();
    });

    it('leaks no tensors (forward in both modes, and gradients)', async () => {
      const layer = make(cls, spec);
      const x = tensor(xValues, spec.inputShape);
      const before = liveTensors();
      layer.apply(x, { training: true }).dispose();
      layer.apply(x).dispose();
      const vars = layer.trainableWeights.map((w) => w.variable);
      if (withGrads && vars.length > 0) {
        const { value, grads } = variableGrads(() => layer.apply(x, { training: true }).sum() as never, vars);
        value.dispose();
        for (const g of Object.values(grads)) g.dispose();
      }
      const after = liveTensors();
      expect(after.tensors).toBe(before.tensors);
      expect(after.dataIds).toBe(before.dataIds);
      x.dispose();
      layer.dispose();
    });
  });
}

export { compareArrays, finiteDifference, floats, sampleIndices } from './numeric.js';
