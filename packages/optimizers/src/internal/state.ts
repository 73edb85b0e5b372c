import { NeuriteError, tensor, tidy, type Variable, variable } from '@neurite/core';
import { show } from './validate.js';

/** One slot tensor, saved: its shape and its values in row-major order. */
export interface SlotState {
  shape: number[];
  values: Float32Array;
}

/** What `getState()` returns and `setState()` reads: the step count and every slot, by variable name. */
export interface OptimizerState {
  className: string;
  iterations: number;
  /** variable name -> slot name (e.g. 'momentum', 'velocity') -> saved tensor. */
  slots: Record<string, Record<string, SlotState>>;
}

/** Checks a state before setState() touches anything, so a bad state leaves the optimizer unchanged. */
export function checkState(owner: string, state: OptimizerState, slotNames: readonly string[]): void {
  const fail = (what: string, received: string): never => {
    throw new NeuriteError(
      `${owner}.setState: ${what}. Received: ${received}. Pass the object that getState() of a ${owner} returned.`,
    );
  };
  if (state === null || typeof state !== 'object') fail('the state must be an object', show(state));
  if (state.className !== owner) fail(`the state must come from a ${owner}`, `className=${show(state.className)}`);
  const it = state.iterations;
  if (typeof it !== 'number' || !Number.isInteger(it) || it < 0) {
    fail('iterations must be an integer >= 0', `iterations=${show(it)}`);
  }
  if (state.slots === null || typeof state.slots !== 'object') fail('slots must be an object', show(state.slots));
  for (const [varName, slots] of Object.entries(state.slots)) {
    for (const [slotName, slot] of Object.entries(slots ?? {})) {
      const where = `slots['${varName}']['${slotName}']`;
      if (!slotNames.includes(slotName)) {
        fail(
          `${where}: a ${owner} has no slot '${slotName}' (its slots: ${slotNames.join(', ') || 'none'})`,
          show(slotName),
        );
      }
      const shape = slot?.shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        fail(`${where}.shape must be an array of integers >= 0`, show(shape));
      }
      const size = shape.reduce((a, b) => a * b, 1);
      if (slot.values?.length !== size) {
        fail(`${where}.values must hold ${size} numbers for shape ${show(shape)}`, `${slot.values?.length} values`);
      }
    }
  }
}

/** Slot variables by variable name, then slot name. */
export type Slots = Map<string, Map<string, Variable>>;

/** Copies every slot's values out, reading asynchronously (works on every backend). */
export async function readSlots(slots: Slots): Promise<OptimizerState['slots']> {
  const out: OptimizerState['slots'] = {};
  for (const [varName, byName] of slots) {
    out[varName] = {};
    for (const [slotName, v] of byName) {
      out[varName][slotName] = { shape: [...v.shape], values: new Float32Array(await v.data()) };
    }
  }
  return out;
}

/** New non-trainable slot variables holding a copy of the saved values (a caller may reuse its arrays). */
export function writeSlots(saved: OptimizerState['slots']): Slots {
  const slots: Slots = new Map();
  for (const [varName, byName] of Object.entries(saved)) {
    const vars = new Map<string, Variable>();
    for (const [slotName, s] of Object.entries(byName)) {
      vars.set(
        slotName,
        tidy(() => variable(tensor(Float32Array.from(s.values), s.shape), false)),
      );
    }
    slots.set(varName, vars);
  }
  return slots;
}
