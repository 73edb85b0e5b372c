// The stepper's two graphs, and for each the same function written with Neurite's tensors, so the page can
// set the hand-stepped gradients beside what `valueAndGrads` computes on the running backend.
import { scalar, sigmoid, sub, type Tensor, tensor1d, valueAndGrads } from '@neurite/core';
import type { NodeDef, Values } from './graph.js';

export interface LibraryResult {
  value: number;
  /** One gradient per leaf that is not a constant, by node id. */
  grads: Values;
}

export interface GraphSpec {
  title: string;
  /** The function in one line, as the page writes it. */
  formula: string;
  nodes: NodeDef[];
  output: string;
  /** A reason to refuse these leaf values once the forward pass has run, or undefined. */
  refuse?(values: Values): string | undefined;
  /** The library call, shown as code beside its result. */
  code: string;
  library(leaves: Values): Promise<LibraryResult>;
}

/** Reads every tensor into numbers, then frees them all. */
async function read(value: Tensor, grads: Tensor[], inputs: Tensor[]): Promise<{ value: number; grads: number[][] }> {
  try {
    return {
      value: (await value.data())[0],
      grads: await Promise.all(grads.map(async (g) => Array.from(await g.data()))),
    };
  } finally {
    for (const t of [value, ...grads, ...inputs]) t.dispose();
  }
}

const Y_LIMIT = 10;

/** Chapter 4's sigmoid unit with binary cross-entropy: y = wᵀx + b, p = σ(y), L = -[t log p + (1 - t) log(1 - p)]. */
const unit: GraphSpec = {
  title: 'One sigmoid unit with binary cross-entropy',
  formula: 'y = w₀x₀ + w₁x₁ + b,  p = σ(y),  L = −[t log p + (1 − t) log(1 − p)]',
  output: 'L',
  nodes: [
    { id: 'w0', label: 'w₀', at: [0, 0], value: 0.5, range: [-10, 10] },
    { id: 'x0', label: 'x₀', at: [0, 1], value: 2, range: [-10, 10] },
    { id: 'w1', label: 'w₁', at: [0, 2.1], value: -1, range: [-10, 10] },
    { id: 'x1', label: 'x₁', at: [0, 3.1], value: 3, range: [-10, 10] },
    { id: 'm0', label: 'w₀x₀', op: 'mul', inputs: ['w0', 'x0'], at: [1, 0.5] },
    { id: 'm1', label: 'w₁x₁', op: 'mul', inputs: ['w1', 'x1'], at: [1, 2.6] },
    { id: 'b', label: 'b', at: [1, 3.7], value: 0.1, range: [-10, 10] },
    { id: 'y', label: 'y', op: 'add', inputs: ['m0', 'm1', 'b'], at: [2, 2] },
    { id: 'p', label: 'p', op: 'sigmoid', inputs: ['y'], at: [3, 2] },
    { id: 't', label: 't', at: [3, 3.1], value: 1, range: [0, 1], constant: true },
    { id: 'L', label: 'L', op: 'bce', inputs: ['p', 't'], at: [4, 2.55] },
  ],
  refuse: ({ y }) =>
    Math.abs(y) <= Y_LIMIT
      ? undefined
      : `y = w₀x₀ + w₁x₁ + b = ${y.toFixed(4)} is outside ${-Y_LIMIT} to ${Y_LIMIT}: σ(y) is then within 5e-5 of 0 or 1, ` +
        'where float32 keeps too few digits of p or 1 − p for the check against the library. Use smaller weights or inputs.',
  code: 'valueAndGrads((w, x, b) => bce(t, sigmoid(w.mul(x).sum().add(b))))([w, x, b])',
  async library({ w0, w1, x0, x1, b, t }) {
    const inputs = [tensor1d([w0, w1]), tensor1d([x0, x1]), scalar(b)];
    const f = (w: Tensor, x: Tensor, bias: Tensor) => {
      const p = sigmoid(w.mul(x).sum().add(bias));
      return p
        .log()
        .mul(t)
        .add(
          sub(1, p)
            .log()
            .mul(1 - t),
        )
        .neg();
    };
    const { value, grads } = valueAndGrads(f)(inputs);
    const r = await read(value, grads, inputs);
    const [[dw0, dw1], [dx0, dx1], [db]] = r.grads;
    return { value: r.value, grads: { w0: dw0, w1: dw1, x0: dx0, x1: dx1, b: db } };
  },
};

/** A small expression in micrograd's manner, where e = a · b is computed once and used twice. */
const expression: GraphSpec = {
  title: 'An expression that uses one node twice',
  formula: 'e = a · b,  d = e + c,  h = tanh(d),  g = h · f,  L = g + e',
  output: 'L',
  nodes: [
    { id: 'a', label: 'a', at: [0, 0], value: 2, range: [-10, 10] },
    { id: 'b', label: 'b', at: [0, 1], value: -3, range: [-10, 10] },
    { id: 'e', label: 'e', op: 'mul', inputs: ['a', 'b'], at: [1, 0.5] },
    { id: 'c', label: 'c', at: [1, 1.7], value: 6.5, range: [-10, 10] },
    { id: 'd', label: 'd', op: 'add', inputs: ['e', 'c'], at: [2, 1.2] },
    { id: 'h', label: 'h', op: 'tanh', inputs: ['d'], at: [3, 1.2] },
    { id: 'f', label: 'f', at: [3, 2.3], value: -2, range: [-10, 10] },
    { id: 'g', label: 'g', op: 'mul', inputs: ['h', 'f'], at: [4, 1.75] },
    { id: 'L', label: 'L', op: 'add', inputs: ['g', 'e'], at: [5, 0.5] },
  ],
  code: 'valueAndGrads((a, b, c, f) => { const e = a.mul(b); return e.add(c).tanh().mul(f).add(e); })([a, b, c, f])',
  async library({ a, b, c, f }) {
    const inputs = [scalar(a), scalar(b), scalar(c), scalar(f)];
    const fn = (ta: Tensor, tb: Tensor, tc: Tensor, tf: Tensor) => {
      const e = ta.mul(tb);
      return e.add(tc).tanh().mul(tf).add(e);
    };
    const { value, grads } = valueAndGrads(fn)(inputs);
    const r = await read(value, grads, inputs);
    const [[da], [db], [dc], [df]] = r.grads;
    return { value: r.value, grads: { a: da, b: db, c: dc, f: df } };
  },
};

export const GRAPHS = { unit, expression };
export type GraphName = keyof typeof GRAPHS;
