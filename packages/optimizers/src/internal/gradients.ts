import { engine, NeuriteError, type Tensor, type Variable } from '@neurite/core';
import { show } from './validate.js';

/** One variable and its gradient. */
export interface GradientPair {
  variable: Variable;
  grad: Tensor;
}

/** Gradients by variable name (as `variableGrads(f).grads`), or `{ variable, grad }` pairs. */
export type Gradients = Record<string, Tensor> | GradientPair[];

/** Resolves names to registered variables, drops null gradients and checks every gradient's shape. */
export function gradientPairs(owner: string, grads: Gradients): GradientPair[] {
  const pairs = Array.isArray(grads)
    ? grads
    : Object.entries(grads).map(([name, grad]) => ({ variable: lookup(owner, name), grad }));
  return pairs.filter((p) => p.grad != null).map((p) => checkShape(owner, p));
}

function lookup(owner: string, name: string): Variable {
  const v = engine().registeredVariables[name];
  if (!v) {
    throw new NeuriteError(
      `${owner}.applyGradients: no variable named ${show(name)} is registered. Expected the keys of ` +
        `variableGrads(f).grads. Received: ${show(name)}. Pass [{ variable, grad }] pairs, or keep the variable alive.`,
    );
  }
  return v;
}

function checkShape(owner: string, p: GradientPair): GradientPair {
  if (p.grad.shape.join() !== p.variable.shape.join()) {
    throw new NeuriteError(
      `${owner}.applyGradients: the gradient of '${p.variable.name}' must have the variable's shape ` +
        `${show(p.variable.shape)}. Received: shape ${show(p.grad.shape)}. Pass the gradient of a loss with respect to it.`,
    );
  }
  return p;
}
