// Shared helpers for `pnpm bench`: timing, tables, JSON output. Times are medians after warm-up;
// compare rows of the same run (ratios), since these machines are shared and noisy.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

export async function timeIt(fn, { warmup = 1, runs = 5, maxMs = 20_000 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    if (performance.now() - start > maxMs) break;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], runs: times.length };
}

export function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells) => cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ');
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => r[c]))),
  ].join('\n');
}

export function writeResults(name, rows, extra = {}) {
  mkdirSync('bench-results', { recursive: true });
  const doc = {
    benchmark: name,
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
    ...extra,
    rows,
  };
  const path = `bench-results/${name}.json`;
  writeFileSync(`${path}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  // rename is atomic: a reader never sees half a file
  renameSync(`${path}.tmp`, path);
  return path;
}
