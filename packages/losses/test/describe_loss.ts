// describeLoss: the checks every loss needs, run on every backend (describeBackends from
// @neurite/core/testing), in the style of describeLayer (@neurite/layers/testing). A loss's test file calls
//   await describeLoss({ fn: huber, className: 'Huber', targets: 'dense', reference, options: [{}, { delta: 0.3 }] });
// and keeps, beside it, only the tests that are about that loss alone (special values, exact messages).
import { grad, liveTensors, NeuriteError, type Tensor, tensor } from '@neurite/core';
import {
  compareArrays,
  describeBackends,
  expectClose,
  finiteDifference,
  floats,
  sampleIndices,
} from '@neurite/core/testing';
import { getLoss, type LossTargets, lossNames, type Reduction } from '@neurite/losses';
import { expect, it } from 'vitest';

/** A loss function as the package exports it. */
export type LossFn<O> = (yTrue: Tensor, yPred: Tensor, options?: O) => Tensor;

/** What describeLoss needs to know about one loss. */
export interface LossKitSpec<O extends { reduction?: Reduction }> {
  /** The loss function, e.g. `huber`; its name (`fn.name`) must be one of `lossNames`. */
  fn: LossFn<O>;
  /** Its className as `getLoss` returns it, e.g. `'Huber'`. */
  className: string;
  /** The targets it declares: `'sparse'` labels `[batch]`, `'oneHot'` or `'dense'` rows shaped like yPred. */
  targets: LossTargets;
  /**
   * The loss of one sample, in plain float64 JS, straight from the definition: `yTrue` is the sample's
   * row along the last axis (for `'sparse'` targets, `[label]`), `yPred` its row of predictions, `config`
   * every option with its value (defaults filled in, as `getLoss(...).config` holds them).
   */
  reference: (yTrue: number[], yPred: number[], config: Required<O>) => number;
  /** The option sets to run every check with (reduction is set by the kit). Default `[{}]`. */
  options?: Omit<O, 'reduction'>[];
  /** The yPred shapes, the last axis being the per-sample one; keep them tiny (webgpu is emulated). */
  shapes?: number[][];
  /**
   * The values to feed, for a yPred shape: yTrue (labels for 'sparse') and yPred, row-major. By default
   * targets in [0, 1) ('dense'), one-hot rows or labels, and predictions in (0.15, 0.85) ('dense', which
   * suits probabilities, logits and regression alike) or in (0.1, 1.1) (class scores).
   */
  inputs?: (shape: number[], seed: number, options: Omit<O, 'reduction'>) => { yTrue: number[]; yPred: number[] };
  /** The reductions it supports (default all three); 'none' is what the others are checked against. */
  reductions?: Reduction[];
  /** Multiplies the tolerances of the value checks. Default 1. */
  tolerance?: number;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const optionsText = (o: object) => (Object.keys(o).length === 0 ? 'default options' : JSON.stringify(o));

function defaultInputs(targets: LossTargets, shape: number[], seed: number): { yTrue: number[]; yPred: number[] } {
  const n = size(shape);
  const classes = shape[shape.length - 1];
  const u = Array.from(floats(n, seed), (v) => (v + 1) / 2); // [0, 1)
  const labels = Array.from(floats(n / classes, seed + 7), (v) =>
    Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes)),
  );
  if (targets === 'dense') {
    return { yTrue: u, yPred: Array.from(floats(n, seed + 1), (v) => 0.5 + 0.35 * v) };
  }
  const yPred = Array.from(floats(n, seed + 1), (v) => 0.1 + (v + 1) / 2);
  if (targets === 'sparse') return { yTrue: labels, yPred };
  return {
    yTrue: Array.from({ length: n }, (_, i) => (labels[Math.floor(i / classes)] === i % classes ? 1 : 0)),
    yPred,
  };
}

/** One case: the tensors' values (as float32 holds them), shapes and dtype. */
interface Case {
  shape: number[];
  trueShape: number[];
  yTrue: Float32Array;
  yPred: Float32Array;
  dtype: 'int32' | 'float32';
}

/**
 * Runs, on every backend, the checks every loss needs, for each option set and yPred shape:
 *
 * 1. 'none' gives one loss per sample (shape: yPred's without its last axis), equal to the float64
 *    `reference`;
 * 2. 'mean' and 'sum' are the mean and sum of those, as scalars, and leaving `reduction` out means 'mean';
 * 3. the gradient with respect to yPred matches central finite differences (of 'sum'), and 'mean''s is
 *    it divided by the number of samples;
 * 4. `getLoss({ className, config })` round-trips through JSON, and the copy computes the same;
 * 5. `getLoss` declares the spec's `targets`, and the loss takes int32 targets (as float32 ones);
 * 6. yTrue and yPred of mismatched shapes, or a yTrue that is not a tensor, throw a NeuriteError whose
 *    message names the loss and both shapes, before any tensor is made;
 * 7. no tensor leaks, in any reduction or in the gradient.
 *
 * @example
 * ```ts
 * import { meanSquaredError } from '@neurite/losses';
 * import { describeLoss } from '../test/describe_loss.js';
 *
 * await describeLoss({
 *   fn: meanSquaredError,
 *   className: 'MeanSquaredError',
 *   targets: 'dense',
 *   reference: (t, p) => t.reduce((s, ti, i) => s + (p[i] - ti) ** 2, 0) / t.length,
 * });
 * ```
 */
export async function describeLoss<O extends { reduction?: Reduction }>(spec: LossKitSpec<O>): Promise<void> {
  const name = spec.fn.name;
  const optionSets = spec.options ?? [{} as Omit<O, 'reduction'>];
  const shapes = spec.shapes ?? [[3, 4], [2, 2, 3], [5]];
  const reductions = spec.reductions ?? ['mean', 'sum', 'none'];
  const scale = spec.tolerance ?? 1;
  const sparse = spec.targets === 'sparse';

  const makeCase = (shape: number[], k: number, o: Omit<O, 'reduction'>): Case => {
    const raw = (spec.inputs ?? ((s, seed) => defaultInputs(spec.targets, s, seed)))(shape, 31 + 10 * k, o);
    const trueShape = sparse ? shape.slice(0, -1) : shape;
    if (raw.yTrue.length !== size(trueShape) || raw.yPred.length !== size(shape)) {
      throw new Error(`describeLoss(${name}): inputs() gave the wrong number of values for shape ${shapeText(shape)}`);
    }
    return {
      shape,
      trueShape,
      yTrue: Float32Array.from(raw.yTrue),
      yPred: Float32Array.from(raw.yPred),
      dtype: sparse ? 'int32' : 'float32',
    };
  };
  const tensors = (c: Case) => [tensor(c.yTrue, c.trueShape, c.dtype), tensor(c.yPred, c.shape)] as const;
  const run = async (o: object, c: Case, reduction?: Reduction) => {
    const [t, p] = tensors(c);
    const out = spec.fn(t, p, (reduction ? { ...o, reduction } : o) as O);
    const result = { shape: [...out.shape], values: Array.from(await out.data()) };
    out.dispose();
    t.dispose();
    p.dispose();
    return result;
  };
  const configOf = (o: object) => getLoss({ className: spec.className, config: o as Record<string, unknown> }).config;
  const reference = (o: object, c: Case): number[] => {
    const config = configOf(o) as Required<O>;
    const classes = c.shape[c.shape.length - 1];
    const out: number[] = [];
    for (let s = 0; s < c.yPred.length / classes; s++) {
      const row = Array.from(c.yPred.subarray(s * classes, (s + 1) * classes));
      const target = sparse ? [c.yTrue[s]] : Array.from(c.yTrue.subarray(s * classes, (s + 1) * classes));
      out.push(spec.reference(target, row, config));
    }
    return out;
  };

  await describeBackends(`${name} (describeLoss)`, (backend) => {
    for (const o of optionSets) {
      const cases = shapes.map((s, k) => makeCase(s, k, o));

      if (reductions.includes('none')) {
        it(`'none' gives one loss per sample, equal to the float64 reference: ${optionsText(o)}`, async () => {
          for (const c of cases) {
            const none = await run(o, c, 'none');
            expect(none.shape, `per-sample shape for yPred ${shapeText(c.shape)}`).toEqual(c.shape.slice(0, -1));
            expectClose(none.values, reference(o, c), backend, scale);
          }
        });
      }

      it(`reductions are scalars consistent with 'none', and 'mean' is the default: ${optionsText(o)}`, async () => {
        for (const c of cases) {
          const perSample = reductions.includes('none') ? (await run(o, c, 'none')).values : reference(o, c);
          const total = perSample.reduce((a, b) => a + b, 0);
          const expected: Record<string, number> = { mean: total / perSample.length, sum: total };
          for (const reduction of reductions.filter((r) => r !== 'none')) {
            const out = await run(o, c, reduction);
            expect(out.shape, `'${reduction}' of yPred ${shapeText(c.shape)}`).toEqual([]);
            expectClose(out.values, [expected[reduction]], backend, scale);
          }
          const byDefault = await run(o, c);
          expect(byDefault.shape).toEqual([]);
          expect(byDefault.values).toEqual((await run(o, c, 'mean')).values);
        }
        expect(configOf(o).reduction).toBe('mean');
      });

      it(`the gradient wrt yPred matches central finite differences: ${optionsText(o)}`, async () => {
        const c = cases[0];
        const [t, p] = tensors(c);
        const gradOf = async (reduction: Reduction) => {
          const g = grad((x: Tensor) => spec.fn(t, x, { ...o, reduction } as O))(p);
          const v = (await g.data()) as Float32Array;
          g.dispose();
          return v;
        };
        const analytic = await gradOf('sum');
        const numeric = await finiteDifference(c.yPred, sampleIndices(c.yPred.length, 8), async (values) => {
          const x = tensor(values, c.shape);
          const l = spec.fn(t, x, { ...o, reduction: 'sum' } as O);
          const v = (await l.data())[0];
          l.dispose();
          x.dispose();
          return v;
        });
        compareArrays(analytic, numeric, `d ${name}(sum) / d yPred [${backend}]`, scale);
        const samples = size(c.shape.slice(0, -1));
        expectClose(
          await gradOf('mean'),
          Array.from(analytic, (v) => v / samples),
          backend,
          scale,
        );
        t.dispose();
        p.dispose();
      });

      it(`config round-trips through getLoss({ className, config }) and JSON: ${optionsText(o)}`, async () => {
        const loss = getLoss({ className: spec.className, config: o as Record<string, unknown> });
        expect(loss.className).toBe(spec.className);
        expect(loss.config).toMatchObject(o);
        const saved = JSON.parse(JSON.stringify({ className: loss.className, config: loss.config }));
        const copy = getLoss(saved);
        expect(copy.className).toBe(spec.className);
        expect(copy.config).toEqual(loss.config);
        expect(copy.targets).toBe(spec.targets);
        const c = cases[0];
        const [t, p] = tensors(c);
        const a = copy.call(t, p);
        expect(Array.from(await a.data())).toEqual((await run(o, c)).values);
        a.dispose();
        t.dispose();
        p.dispose();
      });

      it(`leaks no tensors, in any reduction or the gradient: ${optionsText(o)}`, async () => {
        const c = cases[0];
        const [t, p] = tensors(c);
        const before = liveTensors();
        for (const reduction of reductions) spec.fn(t, p, { ...o, reduction } as O).dispose();
        grad((x: Tensor) => spec.fn(t, x, o as O))(p).dispose();
        const after = liveTensors();
        expect(after.tensors).toBe(before.tensors);
        expect(after.dataIds).toBe(before.dataIds);
        t.dispose();
        p.dispose();
      });
    }

    it(`declares '${spec.targets}' targets, under its name and className, and takes int32 targets`, async () => {
      expect(lossNames).toContain(name);
      for (const n of [name, spec.className]) {
        expect(getLoss(n).className).toBe(spec.className);
        expect(getLoss(n).targets).toBe(spec.targets);
      }
      // The same integer-valued targets as int32 and as float32 give the same loss.
      const c = makeCase(shapes[0], 0, optionSets[0]);
      const ints = Float32Array.from(c.yTrue, (v) => Math.round(v));
      const p = tensor(c.yPred, c.shape);
      const values: number[][] = [];
      for (const dtype of ['int32', 'float32'] as const) {
        const t = tensor(ints, c.trueShape, dtype);
        const l = spec.fn(t, p, { ...optionSets[0], reduction: 'sum' } as O);
        values.push(Array.from(await l.data()));
        l.dispose();
        t.dispose();
      }
      expect(values[0]).toEqual(values[1]);
      p.dispose();
    });

    it('rejects mismatched shapes and non-tensors with a NeuriteError naming both shapes, making no tensor', () => {
      const [batch, classes] = [4, 3];
      const mismatched: [number[], number[]][] = sparse
        ? [
            [[batch + 1], [batch, classes]],
            [
              [batch, classes + 1],
              [batch, classes],
            ],
          ]
        : [
            [
              [batch, classes + 1],
              [batch, classes],
            ],
            [
              [batch + 1, classes],
              [batch, classes],
            ],
            [[batch], [batch, classes]],
          ];
      for (const [trueShape, predShape] of mismatched) {
        const t = tensor(new Float32Array(size(trueShape)), trueShape);
        const p = tensor(new Float32Array(size(predShape)), predShape);
        const before = liveTensors();
        let error: unknown;
        try {
          spec.fn(t, p).dispose();
        } catch (e) {
          error = e;
        }
        const what = `${name}(yTrue ${shapeText(trueShape)}, yPred ${shapeText(predShape)})`;
        expect(error, `${what} should throw`).toBeInstanceOf(NeuriteError);
        const message = (error as Error).message;
        expect(message.startsWith(`${name}: `), message).toBe(true);
        expect(message).toContain('Received: ');
        expect(message).toContain(shapeText(trueShape));
        expect(message).toContain(shapeText(predShape));
        expect(liveTensors(), `${what} made tensors before throwing`).toEqual(before);
        t.dispose();
        p.dispose();
      }
      const p = tensor(new Float32Array(batch * classes), [batch, classes]);
      expect(() => spec.fn(null as unknown as Tensor, p)).toThrow(NeuriteError);
      expect(() => spec.fn(null as unknown as Tensor, p)).toThrow(`${name}: yTrue must be a Tensor.`);
      expect(() => spec.fn(p, [1, 2] as unknown as Tensor)).toThrow(`${name}: yPred must be a Tensor.`);
      p.dispose();
    });
  });
}
