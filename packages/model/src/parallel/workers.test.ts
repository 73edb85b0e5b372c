import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getWasmDir, liveTensors, setSeed, setWasmDir, type Tensor, tensor } from '@neurite/core';
import { describeBackends, expectClose } from '@neurite/core/testing';
import { NoisyDense, registerNoisyDense } from '@neurite/layer-noisy-dense';
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } from '@neurite/layers';
import { type Sequential, sequential } from '@neurite/model';
import { adam, sgd } from '@neurite/optimizers';
import { expect, it } from 'vitest';
import registerThrowing, { ThrowsInWorker } from '../../test/fixtures/throws-in-worker.mjs';
import { mnistSlice } from '../../test/mnist.js';

const fixtures = new URL('../../test/fixtures/', import.meta.url);
const pkgDir = fileURLToPath(new URL('../..', import.meta.url));

function cnn(seed: number, dropout = 0): Sequential {
  setSeed(seed);
  return sequential([
    new Conv2D({ filters: 4, kernelSize: 5, strides: 2, activation: 'relu', inputShape: [28, 28, 1] }),
    new MaxPooling2D(),
    new Flatten(),
    ...(dropout > 0 ? [new Dropout({ rate: dropout })] : []),
    new Dense({ units: 10, activation: 'softmax' }),
  ]);
}

async function weights(model: Sequential): Promise<Float32Array[]> {
  return model.getWeightValues();
}

function deltas(after: Float32Array[], before: Float32Array[]): number[] {
  return after.flatMap((w, i) => Array.from(w, (v, j) => v - before[i][j]));
}

await describeBackends('fit with workers', (backend) => {
  if (backend === 'webgpu') {
    it('says that workers run on cpu and wasm only', async () => {
      const model = sequential([new Dense({ units: 1, inputShape: [2] })], { name: 'gpu_model' });
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      await expect(model.fit(tensor([[1, 2]]), tensor([[1]]), { workers: 2 })).rejects.toThrow(
        "gpu_model.fit with workers: 2: the active backend 'webgpu' cannot run in worker threads. Supported: cpu, wasm. " +
          "Use workers: 1 on webgpu (a GPU already runs a batch in parallel), or call useBackend('wasm') before fit.",
      );
      model.dispose();
    });
    return;
  }

  it('one step with 2 workers moves the weights as 1 worker does (uneven shards: 63 = 32 + 31)', async () => {
    const { x, y } = mnistSlice(63);
    const run = async (workers: number) => {
      const model = cnn(3);
      model.compile({ optimizer: sgd({ learningRate: 1 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      model.build();
      const before = await weights(model);
      const h = await model.fit(x, y, { batchSize: 63, shuffle: false, workers });
      const d = deltas(await weights(model), before);
      model.dispose();
      return { d, h: h.history };
    };
    const one = await run(1);
    const two = await run(2);
    // The update is -1 * the gradient: the weighted shard gradients equal the full batch's.
    expect(Math.max(...one.d.map(Math.abs))).toBeGreaterThan(1e-3);
    expectClose(two.d, one.d, backend);
    expectClose(two.h.loss, one.h.loss, backend);
    expect(two.h.accuracy).toEqual(one.h.accuracy);
  });

  it('3 workers agree with 1 when some shards are empty (batches 4, 4, 2 of 10 samples)', async () => {
    const x = tensor(
      Array.from({ length: 30 }, (_, i) => Math.sin(i)),
      [10, 3],
    );
    const y = tensor(
      Array.from({ length: 10 }, (_, i) => i % 2),
      [10, 1],
    );
    const run = async (workers: number) => {
      setSeed(4);
      const model = sequential([new Dense({ units: 4, activation: 'tanh', inputShape: [3] }), new Dense({ units: 1 })]);
      model.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'meanSquaredError' });
      const h = await model.fit(x, y, { batchSize: 4, shuffle: false, workers });
      const w = (await weights(model)).flatMap((a) => Array.from(a));
      model.dispose();
      return { w, loss: h.history.loss };
    };
    const one = await run(1);
    const three = await run(3);
    expectClose(three.w, one.w, backend);
    expectClose(three.loss, one.loss, backend);
  });

  it('trains a CNN on 2,000 MNIST images for 2 epochs: falling loss, flat tensor count', async () => {
    const { x, y } = mnistSlice(2000);
    const model = cnn(1);
    model.compile({ optimizer: adam({ learningRate: 0.003 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const counts: number[] = [];
    const h = await model.fit(x, y, {
      epochs: 2,
      batchSize: 100,
      seed: 1,
      workers: 2,
      callbacks: [{ onEpochEnd: () => void counts.push(liveTensors().tensors) }],
    });
    expect(h.history.loss[1]).toBeLessThan(h.history.loss[0]);
    expect(h.history.accuracy[1]).toBeGreaterThan(0.5);
    // Live tensors after epoch 1 == after epoch 2: every step ran in a scope on the main thread.
    expect(counts[1]).toBe(counts[0]);
    model.dispose();
  });

  it('repeats a seeded run exactly (dropout masks seeded per worker and step)', async () => {
    const { x, y } = mnistSlice(300);
    const run = async (seed: number) => {
      const model = cnn(2, 0.3);
      model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const h = await model.fit(x, y, { epochs: 2, batchSize: 50, seed, workers: 2 });
      const w = await weights(model);
      model.dispose();
      return { w, h: h.history };
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(b.w).toEqual(a.w);
    expect(b.h).toEqual(a.h);
    expect(c.w).not.toEqual(a.w);
  });

  it('rebuilds a plugin layer only with workerSetup, and otherwise names the layer and the fix', async () => {
    registerNoisyDense();
    const x = tensor(
      Array.from({ length: 32 }, (_, i) => (i % 5) / 5),
      [16, 2],
    );
    const y = tensor(
      Array.from({ length: 16 }, (_, i) => i % 2),
      [16, 1],
    );
    const make = () => {
      setSeed(1);
      const m = sequential([new NoisyDense({ units: 1, activation: 'sigmoid', inputShape: [2], name: 'noisy' })]);
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      return m;
    };
    const bare = make();
    await expect(bare.fit(x, y, { batchSize: 8, workers: 2 })).rejects.toThrow(
      "fit: training worker 1 cannot rebuild layer 'noisy' (@neurite/layer-noisy-dense>NoisyDense): Unknown layer",
    );
    await expect(bare.fit(x, y, { batchSize: 8, workers: 2 })).rejects.toThrow(/Use workers: 1, or pass workerSetup/);
    const set = make();
    const h = await set.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      workers: 2,
      // An absolute path works as well as a URL.
      workerSetup: fileURLToPath(new URL('register-noisy-dense.mjs', fixtures)),
    });
    expect(h.history.loss).toHaveLength(2);
    expect(Number.isFinite(h.history.loss[1])).toBe(true);
    bare.dispose();
    set.dispose();
  });

  it("rejects fit with a worker's error instead of hanging, and leaves no tensors behind", async () => {
    registerThrowing();
    const model = sequential([
      new Dense({ units: 3, inputShape: [2] }),
      new ThrowsInWorker({ name: 'thrower' }),
      new Dense({ units: 1 }),
    ]);
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    model.build();
    const x = tensor(
      Array.from({ length: 16 }, (_, i) => i / 16),
      [8, 2],
    );
    const y = tensor(
      Array.from({ length: 8 }, () => 1),
      [8, 1],
    );
    const before = liveTensors().tensors;
    await expect(
      model.fit(x, y, { batchSize: 8, workers: 2, workerSetup: new URL('throws-in-worker.mjs', fixtures) }),
    ).rejects.toThrow('fit: training worker 1 failed: ThrowsInWorker: boom in a worker thread');
    expect(liveTensors().tensors).toBe(before);
    // The main thread's model still trains.
    const h = await model.fit(x, y, { batchSize: 8 });
    expect(h.history.loss).toHaveLength(1);
    model.dispose();
  });

  it('explains bad workers values and losses that workers cannot rebuild', async () => {
    const model = sequential([new Dense({ units: 1, inputShape: [2] })], { name: 'm' });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tensor([[1, 2]]);
    const y = tensor([[1]]);
    await expect(model.fit(x, y, { workers: 0 })).rejects.toThrow(
      'fit: workers must be an integer >= 1. Received: workers=0.',
    );
    await expect(model.fit(x, y, { workers: 1.5 })).rejects.toThrow('Received: workers=1.5.');
    await expect(model.fit(x, y, { workers: 2, workerSetup: 'setup.js' })).rejects.toThrow(
      'm.fit: workerSetup must be a URL or an absolute path. Received: "setup.js".',
    );
    model.compile({ optimizer: 'sgd', loss: (t: Tensor, p: Tensor) => t.sub(p).square().mean() });
    await expect(model.fit(x, y, { workers: 2 })).rejects.toThrow(
      "m.fit with workers: 2: the loss 'loss' is a custom function, which workers cannot rebuild.",
    );
    model.dispose();
  });

  if (backend === 'wasm') {
    it("starts the workers' wasm backend from the main thread's setWasmDir()", async () => {
      const { x, y } = mnistSlice(16);
      const before = getWasmDir();
      const dir = mkdtempSync(join(tmpdir(), 'neurite-wasm-'));
      try {
        // A folder without the binaries: the worker's backend cannot start, and the error names the folder.
        setWasmDir(dir);
        const model = cnn(5);
        model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
        await expect(model.fit(x, y, { batchSize: 8, workers: 2 })).rejects.toThrow(
          `Backend 'wasm' cannot start: its WebAssembly binaries are not in ${dir}/ (missing tfjs-backend-wasm.wasm, ` +
            'tfjs-backend-wasm-simd.wasm). setWasmDir() points there.',
        );
        // The same folder with the binaries copied in: the workers train.
        for (const f of readdirSync(before).filter((n) => n.endsWith('.wasm')))
          copyFileSync(join(before, f), join(dir, f));
        const h = await model.fit(x, y, { batchSize: 8, workers: 2 });
        expect(h.history.loss).toHaveLength(1);
        model.dispose();
      } finally {
        setWasmDir(before);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('ends its workers: a script that fits with 2 workers exits on its own, whatever its Node flags', () => {
    const script =
      "import * as nc from '@neurite/core'; import { Dense } from '@neurite/layers'; import { sequential } from '@neurite/model';" +
      `await nc.useBackend('${backend}');` +
      "const m = sequential([new Dense({ units: 1, inputShape: [2] })]); m.compile({ optimizer: 'sgd', loss: 'mse' });" +
      'const h = await m.fit(nc.ones([8, 2]), nc.ones([8, 1]), { batchSize: 4, epochs: 2, workers: 2 });' +
      'console.log(h.history.loss.length);';
    // --max-old-space-size is refused by a worker that is handed it; --input-type by one that inherits it.
    const r = spawnSync(process.execPath, ['--max-old-space-size=2048', '--input-type=module', '-e', script], {
      cwd: pkgDir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.signal, 'the process had to be killed: a worker kept it alive').toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('2');
  });
});
