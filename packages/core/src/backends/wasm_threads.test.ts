import { setWasmThreads, useBackend } from '@neurite/core';
import { describe, expect, it } from 'vitest';

describe('setWasmThreads', () => {
  it('refuses counts tfjs cannot make, then refuses a change once wasm has started', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 9, 64, '4' as unknown as number]) {
      expect(() => setWasmThreads(bad), String(bad)).toThrow(
        /^setWasmThreads: threads must be a whole number from 1 to 8 \(tfjs's threaded build makes 8 threads at most\)\. Received: /,
      );
    }
    setWasmThreads(1);
    const info = await useBackend('wasm');
    // Node never runs tfjs's threaded build.
    expect(info.threads).toBe(1);
    setWasmThreads(1); // the same count is no change
    expect(() => setWasmThreads(2)).toThrow(
      "setWasmThreads(2): the wasm backend has already started, on 1 thread(s), and its thread count is fixed from then on. Call setWasmThreads before the first useBackend('wasm'), or start a new worker (or page) for another count.",
    );
  });
});
