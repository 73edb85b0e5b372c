import { createRequire } from 'node:module';
import { webgpu } from '@neurite/backend-webgpu';
import { getBackendPlugin, listBackends, registerBackend } from '@neurite/core';
import { parse } from '../args.js';
import { startBackend } from '../backend.js';
import { print } from '../terminal.js';

export const infoHelp = `Usage: neurite-mnist info [--backend <name>] [--json]

Shows the backends available here, the one that would be chosen and why, and package versions.`;

export async function info(argv: string[]): Promise<number> {
  const { values: v } = parse('info', argv, { json: { type: 'boolean' } });
  if (v.help) {
    print(infoHelp);
    return 0;
  }
  if (!listBackends().includes('webgpu')) registerBackend(webgpu);
  const backends = [];
  for (const name of listBackends()) {
    const a = await getBackendPlugin(name)?.isAvailable();
    backends.push({ name, available: Boolean(a?.available), note: a?.emulated ?? a?.reason ?? '' });
  }
  const chosen = await startBackend(v.backend as string | undefined);
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = { node: process.versions.node, tfjs: chosen.tfjs };
  for (const p of ['core', 'backend-webgpu', 'layers', 'losses', 'optimizers', 'model', 'datasets']) {
    versions[`@neurite/${p}`] = require(`@neurite/${p}/package.json`).version;
  }
  if (v.json) {
    print(JSON.stringify({ backends, chosen, versions }, null, 2));
    return 0;
  }
  print('backends:');
  for (const b of backends)
    print(`  ${b.name.padEnd(7)} ${b.available ? 'available' : 'unavailable'}${b.note ? `: ${b.note}` : ''}`);
  const extra = chosen.adapter
    ? ` adapter ${chosen.adapter.vendor} ${chosen.adapter.architecture}`
    : chosen.simd !== undefined
      ? ` simd ${chosen.simd}, threads ${chosen.threads}`
      : '';
  print(`chosen: ${chosen.name}${extra}\n  why: ${chosen.reason}`);
  print('versions:');
  for (const [k, val] of Object.entries(versions)) print(`  ${k.padEnd(24)} ${val}`);
  return 0;
}
