// Runs one fuzz case as a real process: under a memory cap (its resident size is polled, and it is
// killed past the cap), with a timeout, and with every path it opens recorded (spy.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const cli = join(root, 'apps/mnist-cli/dist/cli.js');
const spy = fileURLToPath(new URL('./spy.mjs', import.meta.url));
const logs = mkdtempSync(join(tmpdir(), 'neurite-fuzz-logs-'));
let counter = 0;

/** The fuzz seed: FUZZ_SEED to reproduce a failure, else a fixed one, so CI runs the same cases. */
export const seed = Number(process.env.FUZZ_SEED ?? 20261201);
/** Scales the number of cases: FUZZ_RUNS=10 runs ten times as many. */
export const scale = Number(process.env.FUZZ_RUNS ?? 1);

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory, MB (from the process itself, or the last poll if it was killed). */
  peakMB: number;
  killedForMemory: boolean;
  timedOut: boolean;
  opened: string[];
  ms: number;
}

function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs `node <args>` (args[0] a script) and reports how it ended. */
export function runProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; capMB?: number; timeoutMs?: number; cwd?: string } = {},
): Promise<Outcome> {
  const log = join(logs, `open-${process.pid}-${counter++}.log`);
  const capMB = options.capMB ?? 600;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', spy, ...args], {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env, NEURITE_FUZZ_OPEN_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    let peak = 0;
    let killedForMemory = false;
    let timedOut = false;
    const poll = setInterval(() => {
      const mb = rssMB(child.pid as number);
      peak = Math.max(peak, mb);
      if (mb > capMB) {
        killedForMemory = true;
        child.kill('SIGKILL');
      }
    }, 20);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      let opened: string[] = [];
      try {
        const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
        const rss = lines.find((l) => l.startsWith('#maxrss '));
        if (rss) peak = Math.max(peak, Number(rss.slice(8)) / 1024);
        opened = lines.filter((l) => !l.startsWith('#'));
      } catch {
        // no log: the process died before the preload ran
      }
      resolve({ code, stdout, stderr, peakMB: peak, killedForMemory, timedOut, opened, ms: Date.now() - started });
    });
  });
}

/** Paths resolved through symbolic links where they exist. */
export function real(paths: string[]): string[] {
  return paths.map((p) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  });
}

/**
 * What every CLI case must satisfy: exit 1 or 2 (or `allowZero`), one line on stderr naming the problem,
 * no "unexpected error", no stack trace, no timeout, memory under the cap, and no file in `forbidden`
 * opened. Returns a description of the first violation, or undefined.
 */
export function violation(o: Outcome, forbidden: string[], allowZero = false): string | undefined {
  const lines = o.stderr.split('\n').filter((l) => l.trim() !== '');
  if (o.timedOut) return `timed out after ${o.ms} ms`;
  if (o.killedForMemory) return `killed above the memory cap (${Math.round(o.peakMB)} MB)`;
  if (!(o.code === 1 || o.code === 2 || (allowZero && o.code === 0))) return `exit code ${o.code}`;
  if (o.code !== 0 && lines.length !== 1) return `${lines.length} lines on stderr`;
  if (/unexpected error/.test(o.stderr)) return 'unexpected error';
  if (/\n\s+at /.test(o.stderr)) return 'a stack trace';
  if (o.code !== 0 && !lines[0].startsWith('neurite-mnist: ')) return 'stderr does not start with neurite-mnist:';
  for (const f of real(forbidden)) if (o.opened.includes(f)) return `opened ${f}`;
  return undefined;
}
