// @neurite/layers/testing: the conformance kit. Any layer (built-in or plugin) runs it in its own tests:
//   await describeLayer(Conv2D, { config: { filters: 3, kernelSize: 3 }, inputShape: [2, 6, 6, 2] });
// It runs on every backend (describeBackends from @neurite/core/testing) and checks output shapes,
// config round-trips, gradients against central finite differences, agreement with cpu, training vs
// inference behaviour, and leaks.
import {
  grads as gradsOf,
  liveTensors,
  setSeed,
  type Tensor,
  tensor,
  tidy,
  useBackend,
  type Variable,
  variableGrads,
} from '@neurite/core';
import {
  compareArrays,
  describeBackends,
  finiteDifference,
  floats,
  sampleIndices,
  TOLERANCE,
} from '@neurite/core/testing';
import { expect, it } from 'vitest';
import type { Layer, LayerConfig } from '../layer.js';
import { type LayerClass, layerFromConfig, serializeLayer } from '../registry.js';

/** What describeLayer needs to know about one layer configuration. */
export interface LayerSpec {
  /** The layer's config. */
  config: LayerConfig & Record<string, unknown>;
  /** The input shape, batch included; keep it small (webgpu runs on a CPU emulator in CI). */
  inputShape?: number[];
  /** For a layer taking several inputs (a merge layer): each input's shape, batch included. */
  inputShapes?: number[][];
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
  /** The gradient with respect to each input. */
  gradInputs: Float32Array[] | null;
  gradWeights: Float32Array[];
}

function shapesOf(cls: LayerClass, spec: LayerSpec): number[][] {
  const shapes = spec.inputShapes ?? (spec.inputShape ? [spec.inputShape] : undefined);
  if (!shapes || shapes.length === 0 || (spec.inputShape && spec.inputShapes)) {
    throw new Error(`describeLayer(${cls.className}): give inputShape (one input) or inputShapes (several), not both.`);
  }
  return shapes;
}

function make(cls: LayerClass, spec: LayerSpec, shapes: number[][]): Layer {
  // Fixed weights: a check that passes, passes every run (finite differences near a kink depend on them).
  setSeed(20241125);
  const layer = new cls({ ...spec.config });
  const unbatched = shapes.map((s) => [null, ...s.slice(1)]);
  layer.ensureBuilt(layer.takesList ? unbatched : unbatched[0]);
  return layer;
}

/** The layer run on one input or on a list, as it takes them. */
function run(layer: Layer, xs: Tensor[], training = false): Tensor {
  return layer.apply(layer.takesList ? xs : xs[0], { training });
}

async function evaluate(layer: Layer, xs: Tensor[], r: Tensor | null, withGrads: boolean): Promise<Evaluated> {
  const y = run(layer, xs);
  const output = (await y.data()) as Float32Array;
  const outShape = [...y.shape];
  y.dispose();
  if (!withGrads || !r) return { output, outShape, gradInputs: null, gradWeights: [] };
  const loss = (...inputs: Tensor[]) => run(layer, inputs).mul(r).sum();
  const gxs = gradsOf(loss)(xs);
  const gradInputs: Float32Array[] = [];
  for (const g of gxs) {
    gradInputs.push((await g.data()) as Float32Array);
    g.dispose();
  }
  const vars = layer.trainableWeights.map((w) => w.variable);
  const gradWeights: Float32Array[] = [];
  if (vars.length > 0) {
    const { value, grads } = variableGrads(() => loss(...xs) as never, vars);
    value.dispose();
    for (const v of vars) {
      // A weight the loss does not use (a noise scale at inference, say) has no gradient: it is zero.
      const g = grads[v.name];
      gradWeights.push(g ? ((await g.data()) as Float32Array) : new Float32Array(v.size));
      g?.dispose();
    }
  }
  return { output, outShape, gradInputs, gradWeights };
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
  const shapes = shapesOf(cls, spec);
  const xValues = shapes.map((s, i) =>
    floats(
      s.reduce((a, b) => a * b, 1),
      17 + 12 * i,
    ),
  );
  const inputs = () => shapes.map((s, i) => tensor(xValues[i], s));
  const free = (ts: Tensor[]) => {
    for (const t of ts) t.dispose();
  };
  const withGrads = spec.gradients ?? true;
  const batchless = shapes.map((s) => [null, ...s.slice(1)]);

  await describeBackends(title, (backend) => {
    it('output shape equals computeOutputShape', () => {
      const layer = make(cls, spec, shapes);
      const xs = inputs();
      const y = run(layer, xs);
      const predicted = layer.outputShapeFor(layer.takesList ? batchless : batchless[0]);
      expect([null, ...y.shape.slice(1)]).toEqual(predicted);
      expect(y.shape[0]).toBe(shapes[0][0]);
      y.dispose();
      free(xs);
      layer.dispose();
    });

    it('config round-trips through the registry, and the copy computes the same', async () => {
      const layer = make(cls, spec, shapes);
      const saved = JSON.parse(JSON.stringify(serializeLayer(layer)));
      const copy = layerFromConfig(saved);
      expect(copy.constructor).toBe(cls);
      expect(copy.getConfig()).toEqual(layer.getConfig());
      copy.ensureBuilt(copy.takesList ? batchless : batchless[0]);
      copy.setWeightValues(await layer.getWeightValues());
      const xs = inputs();
      const a = await evaluate(layer, xs, null, false);
      const b = await evaluate(copy, xs, null, false);
      expect(b.output).toEqual(a.output);
      free(xs);
      layer.dispose();
      copy.dispose();
    });

    if (withGrads) {
      it('gradients wrt input and weights match central finite differences', async () => {
        const layer = make(cls, spec, shapes);
        const xs = inputs();
        const probe = run(layer, xs);
        const outShape = probe.shape;
        probe.dispose();
        const r = tensor(
          floats(
            outShape.reduce((a, b) => a * b, 1),
            29,
          ),
          outShape,
        );
        const analytic = await evaluate(layer, xs, r, true);
        const lossAt = async (at: Tensor[]) => {
          const l = tidy(() => run(layer, at).mul(r).sum());
          const v = (await l.data())[0];
          l.dispose();
          return v;
        };
        // Each input.
        for (let i = 0; i < shapes.length; i++) {
          const numericX = await finiteDifference(xValues[i], sampleIndices(xValues[i].length, 8), async (values) => {
            const t = tensor(values, shapes[i]);
            const v = await lossAt(xs.map((x, k) => (k === i ? t : x)));
            t.dispose();
            return v;
          });
          const which = shapes.length > 1 ? ` ${i}` : '';
          compareArrays(
            (analytic.gradInputs as Float32Array[])[i],
            numericX,
            `d loss / d input${which} [${backend}]`,
            scale,
          );
        }
        // Each trainable weight.
        const weights = layer.trainableWeights;
        for (let w = 0; w < weights.length; w++) {
          const variable: Variable = weights[w].variable;
          const original = (await variable.data()) as Float32Array;
          const numeric = await finiteDifference(original, sampleIndices(original.length, 8), async (values) => {
            const t = tensor(values, variable.shape);
            variable.assign(t);
            t.dispose();
            return lossAt(xs);
          });
          const restore = tensor(original, variable.shape);
          variable.assign(restore);
          restore.dispose();
          compareArrays(analytic.gradWeights[w], numeric, `d loss / d ${weights[w].name} [${backend}]`, scale);
        }
        free(xs);
        r.dispose();
        layer.dispose();
      });
    }

    if (backend !== 'cpu') {
      it('computes the same outputs and gradients as cpu', async () => {
        const layer = make(cls, spec, shapes);
        const weights = await layer.getWeightValues();
        const xs = inputs();
        const probe = run(layer, xs);
        const outShape = probe.shape;
        probe.dispose();
        const rValues = floats(
          outShape.reduce((a, b) => a * b, 1),
          29,
        );
        const r = tensor(rValues, outShape);
        const here = await evaluate(layer, xs, r, withGrads);
        layer.dispose();
        free(xs);
        r.dispose();
        await useBackend('cpu');
        const ref = make(cls, spec, shapes);
        ref.setWeightValues(weights);
        const xc = inputs();
        const rc = tensor(rValues, outShape);
        const there = await evaluate(ref, xc, rc, withGrads);
        ref.dispose();
        free(xc);
        rc.dispose();
        const { rtol, atol } = TOLERANCE[backend] ?? TOLERANCE.webgpu;
        const tol = { rtol: rtol * 10 * scale, atol: atol * 10 * scale };
        compareArrays(here.output, there.output, `output [${backend} vs cpu]`, 1, tol);
        here.gradInputs?.forEach((g, i) => {
          compareArrays(
            g,
            (there.gradInputs as Float32Array[])[i],
            `d loss / d input ${i} [${backend} vs cpu]`,
            1,
            tol,
          );
        });
        here.gradWeights.forEach((g, i) => {
          compareArrays(g, there.gradWeights[i], `d loss / d weight ${i} [${backend} vs cpu]`, 1, tol);
        });
        await useBackend(backend);
      });
    }

    it(`${spec.trainingDiffers ? 'behaves differently' : 'behaves the same'} in training, and inference changes no weight`, async () => {
      const layer = make(cls, spec, shapes);
      const xs = inputs();
      const before = await layer.getWeightValues();
      const inf1 = await evaluate(layer, xs, null, false);
      const inf2 = await evaluate(layer, xs, null, false);
      expect(inf2.output).toEqual(inf1.output);
      expect(await layer.getWeightValues()).toEqual(before);
      setSeed(5);
      const yt = run(layer, xs, true);
      const train = (await yt.data()) as Float32Array;
      yt.dispose();
      let maxDiff = 0;
      for (let i = 0; i < train.length; i++) maxDiff = Math.max(maxDiff, Math.abs(train[i] - inf1.output[i]));
      if (spec.trainingDiffers) expect(maxDiff, 'training output should differ from inference').toBeGreaterThan(1e-4);
      else expect(maxDiff, 'training output should equal inference').toBeLessThan(1e-5 * scale);
      free(xs);
      layer.dispose();
    });

    it('leaks no tensors (forward in both modes, and gradients)', async () => {
      const layer = make(cls, spec, shapes);
      const xs = inputs();
      const before = liveTensors();
      run(layer, xs, true).dispose();
      run(layer, xs).dispose();
      const vars = layer.trainableWeights.map((w) => w.variable);
      if (withGrads && vars.length > 0) {
        const { value, grads } = variableGrads(() => run(layer, xs, true).sum() as never, vars);
        value.dispose();
        for (const g of Object.values(grads)) g.dispose();
      }
      const after = liveTensors();
      expect(after.tensors).toBe(before.tensors);
      expect(after.dataIds).toBe(before.dataIds);
      free(xs);
      layer.dispose();
    });
  });
}

// The numeric helpers live in @neurite/core/testing; re-exported here, as before, for plugin authors.
export { compareArrays, finiteDifference, floats, sampleIndices } from '@neurite/core/testing';
