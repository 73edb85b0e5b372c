// A model's graph: the layer nodes between its inputs and outputs, in an order where every node comes
// after the nodes it reads, each layer once (the order of its weights in a save), and each node's use of
// its layer (0 for the first: a shared layer has several). Traced from symbolic tensors, checked here.
import { NeuriteError } from '@neurite/core';
import type { Layer, Shape, SymbolicTensor } from '@neurite/layers';

export interface Graph {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** Every layer node, each after the nodes it reads. */
  nodes: SymbolicTensor[];
  /** Each layer once, in the order of its first node. */
  layers: Layer[];
  /** Which use of its layer a node is: 0 for the first. */
  use: Map<SymbolicTensor, number>;
}

export const showShape = (shape: Shape) => `[${shape.map((d) => d ?? 'null').join(', ')}]`;

/** A node as summaries, activations and save files name it: the layer's name, then `:1`, `:2` for later uses. */
export function nodeName(g: Graph, t: SymbolicTensor): string {
  const use = g.use.get(t) ?? 0;
  return use === 0 ? t.name : `${t.name}:${use}`;
}

/** Traces the graph from the outputs back to the inputs, and checks it (see Graph). */
export function traceGraph(model: string, inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Graph {
  const inputSet = new Set(inputs);
  const names = new Map<string, { owner: unknown; what: string }>();
  const claim = (name: string, owner: unknown, what: string) => {
    const other = names.get(name);
    if (other !== undefined && other.owner !== owner) {
      throw new NeuriteError(
        `${model}: two parts of the model are named '${name}' (${other.what} and ${what}). Names must be unique within a ` +
          'model (save files find weights by them): give the layer or the input another name.',
      );
    }
    names.set(name, { owner, what });
  };
  for (const [i, t] of inputs.entries()) {
    if (t.node.layer !== undefined) {
      throw new NeuriteError(
        `${model}: inputs[${i}] is the output of ${t.node.layer.className} '${t.name}', not a model input. ` +
          'Make inputs with input({ shape }), and pass the tensors layers return as outputs.',
      );
    }
    if (inputs.indexOf(t) !== i) throw new NeuriteError(`${model}: input '${t.name}' is listed twice in inputs.`);
    claim(t.name, t, 'an input');
  }
  // Depth-first from the outputs, without recursion (a deep graph must not overflow the stack).
  const order: SymbolicTensor[] = [];
  const done = new Set<SymbolicTensor>();
  const reached = new Set<SymbolicTensor>();
  for (const out of outputs) {
    const stack: [SymbolicTensor, number][] = [[out, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [t, next] = top;
      if (done.has(t)) {
        stack.pop();
        continue;
      }
      if (t.node.layer === undefined) {
        if (!inputSet.has(t)) {
          throw new NeuriteError(
            `${model}: the outputs depend on input '${t.name}' ${showShape(t.shape)}, which is not in inputs. ` +
              'Add it to model({ inputs: [...] }).',
          );
        }
        reached.add(t);
        done.add(t);
        stack.pop();
        continue;
      }
      if (next < t.node.inputs.length) {
        top[1]++;
        stack.push([t.node.inputs[next], 0]);
        continue;
      }
      done.add(t);
      order.push(t);
      stack.pop();
    }
  }
  for (const t of inputs) {
    if (!reached.has(t)) {
      throw new NeuriteError(
        `${model}: input '${t.name}' ${showShape(t.shape)} does not reach any output. Use it, or leave it out of inputs.`,
      );
    }
  }
  const layers: Layer[] = [];
  const uses = new Map<Layer, number>();
  const use = new Map<SymbolicTensor, number>();
  for (const t of order) {
    const layer = t.node.layer as Layer;
    const n = uses.get(layer) ?? 0;
    if (n === 0) {
      layers.push(layer);
      claim(layer.name, layer, `a ${layer.className}`);
      // A model used as a layer: its layers' names are weight paths of this model too.
      const inner = (layer as { innerLayers?: () => Layer[] }).innerLayers?.() ?? [];
      for (const l of inner) claim(l.name, l, `a layer of the nested model '${layer.name}'`);
    }
    uses.set(layer, n + 1);
    use.set(t, n);
  }
  if (layers.length === 0)
    throw new NeuriteError(`${model}: the outputs are inputs; put at least one layer between them.`);
  return { inputs, outputs, nodes: order, layers, use };
}
