// The stepper's arithmetic: a graph of scalar nodes in plain numbers, small enough to read in one sitting.
// Every op knows its forward value and the local derivative of its output with respect to each input;
// backpropagation is then one rule, applied node by node in reverse topological order:
//   dL/dv = sum over every use of v by a node c of (dc/dv, local) x dL/dc.

export interface Op {
  /** How the node reads, from its inputs' labels: `w₀ · x₀`. */
  formula(inputs: string[]): string;
  forward(xs: number[]): number;
  /** dc/dxs[i] at these inputs, where `out` is the node's own forward value. */
  local(xs: number[], out: number, i: number): number;
  /** The local derivative as a formula in the inputs' labels: `x₀`, `1`, `p(1 − p)`. */
  localText(inputs: string[], i: number, self: string): string;
}

export const OPS = {
  mul: {
    formula: ([a, b]) => `${a} · ${b}`,
    forward: ([a, b]) => a * b,
    local: (xs, _out, i) => xs[1 - i],
    localText: (inputs, i) => inputs[1 - i],
  },
  add: {
    formula: (inputs) => inputs.join(' + '),
    forward: (xs) => xs.reduce((s, x) => s + x, 0),
    local: () => 1,
    localText: () => '1',
  },
  sigmoid: {
    formula: ([a]) => `σ(${a})`,
    forward: ([a]) => 1 / (1 + Math.exp(-a)),
    local: (_xs, out) => out * (1 - out),
    localText: (_inputs, _i, self) => `${self}(1 − ${self})`,
  },
  tanh: {
    formula: ([a]) => `tanh(${a})`,
    forward: ([a]) => Math.tanh(a),
    local: (_xs, out) => 1 - out * out,
    localText: (_inputs, _i, self) => `1 − ${self}²`,
  },
  // Binary cross-entropy of a probability p for a target t: -[t log p + (1 - t) log(1 - p)]. A term whose
  // weight is 0 is left out, so that t = 1 with p = 1 gives 0 rather than 0 · -Infinity = NaN.
  bce: {
    formula: ([p, t]) => `−[${t} log ${p} + (1 − ${t}) log(1 − ${p})]`,
    forward: ([p, t]) => -((t === 0 ? 0 : t * Math.log(p)) + (t === 1 ? 0 : (1 - t) * Math.log(1 - p))),
    local: ([p, t], _out, i) => (i === 0 ? (p - t) / (p * (1 - p)) : Math.log(1 - p) - Math.log(p)),
    localText: ([p, t], i) => (i === 0 ? `(${p} − ${t}) / (${p}(1 − ${p}))` : `log(1 − ${p}) − log ${p}`),
  },
} satisfies Record<string, Op>;

export type OpName = keyof typeof OPS;

export interface NodeDef {
  id: string;
  /** How the page writes it: `w₀`. */
  label: string;
  /** Absent for an input (a leaf). */
  op?: OpName;
  inputs?: string[];
  /** Where it is drawn: column, row (rows may be fractional). */
  at: [number, number];
  /** A leaf's starting value. */
  value?: number;
  /** A leaf that is data, not a parameter: no gradient is asked of it (the target t). */
  constant?: boolean;
  /** The range a leaf accepts when edited. */
  range?: [number, number];
}

export type Values = Record<string, number>;

/** Sorts the nodes so that every node comes after its inputs (depth first from the output, as micrograd does). */
export function topological(nodes: NodeDef[], output: string): NodeDef[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const order: NodeDef[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const node = byId.get(id);
    if (!node) throw new Error(`The graph has no node '${id}'.`);
    for (const input of node.inputs ?? []) visit(input);
    order.push(node);
  };
  visit(output);
  return order;
}

/**
 * Every node's forward value from the leaves' values. `fixed` pins one node to a value, whatever its
 * inputs say: the finite-difference check nudges a node and recomputes only what depends on it.
 */
export function forward(order: NodeDef[], leaves: Values, fixed?: { id: string; value: number }): Values {
  const values: Values = {};
  for (const n of order) {
    if (fixed?.id === n.id) values[n.id] = fixed.value;
    else if (!n.op) values[n.id] = leaves[n.id];
    else values[n.id] = OPS[n.op].forward((n.inputs ?? []).map((i) => values[i]));
  }
  return values;
}

/** One use of a node by a consumer: the chain-rule product it adds to the node's gradient. */
export interface Use {
  consumer: string;
  /** Which input of the consumer (a node can feed one consumer twice, as in x · x). */
  slot: number;
  local: number;
  upstream: number;
}

/** The uses of `id`, and its gradient: the sum of local derivative x upstream gradient over them. */
export function gradientOf(order: NodeDef[], values: Values, grads: Values, id: string): { uses: Use[]; grad: number } {
  const uses: Use[] = [];
  for (const c of order) {
    (c.inputs ?? []).forEach((input, slot) => {
      if (input !== id || !c.op) return;
      if (!(c.id in grads)) throw new Error(`'${id}' cannot be stepped before its consumer '${c.id}'.`);
      const xs = (c.inputs ?? []).map((i) => values[i]);
      uses.push({ consumer: c.id, slot, local: OPS[c.op].local(xs, values[c.id], slot), upstream: grads[c.id] });
    });
  }
  return { uses, grad: uses.reduce((s, u) => s + u.local * u.upstream, 0) };
}

/** The central difference (L(v + h) - L(v - h)) / 2h with node `id` nudged and everything after it recomputed. */
export function finiteDifference(order: NodeDef[], leaves: Values, output: string, id: string, h: number): number {
  const at = forward(order, leaves)[id];
  const plus = forward(order, leaves, { id, value: at + h })[output];
  const minus = forward(order, leaves, { id, value: at - h })[output];
  return (plus - minus) / (2 * h);
}
