import { parse } from '../args.js';
import { startBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { inline, print } from '../terminal.js';
import { inputShapeFlag, maxWeightsFlag, openModel } from './load.js';

export const inspectHelp = `Usage: neurite inspect [options] <model>

Opens a model folder (or its model.json) and describes it: the format and where it came from (a
Neurite save, or a TensorFlow.js layers model from tfjs, Keras 2 or Keras 3), its inputs and outputs,
every layer with its output shape and parameters, how its weights are stored, and what the reader
noticed (settings that only change training). A file from a stranger is checked before it is used:
see the security guide.

Options:
  --json            print JSON
  --input-shape <h,w,c>  the input shape where a layers model's file leaves dimensions open
  --max-weights-mb <n>   read a layers model of up to n MiB of weights as float32 (default 256)
  --backend <name>  cpu | wasm | webgpu | auto (default auto)
  --verbose         stack traces on errors
  -h, --help        this help`;

const dialects: Record<string, string> = {
  neurite: 'a Neurite model',
  'tfjs-layers': 'a TensorFlow.js layers model saved by tfjs-layers',
  keras2: 'a TensorFlow.js layers model converted from Keras 2',
  keras3: 'a TensorFlow.js layers model converted from Keras 3',
};

const fmt = (n: number) => n.toLocaleString('en-US');

export async function inspect(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    'inspect',
    argv,
    { json: { type: 'boolean' }, 'input-shape': { type: 'string' }, 'max-weights-mb': { type: 'string' } },
    true,
  );
  if (v.help) {
    print(inspectHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError('inspect: give one model folder, e.g. neurite inspect models/digits.');
  await startBackend(v.backend as string | undefined);
  const opened = await openModel('inspect', positionals[0] as string, {
    inputShape: inputShapeFlag('inspect', v['input-shape'] as string | undefined),
    maxWeightsMb: maxWeightsFlag('inspect', v['max-weights-mb'] as string | undefined),
  });
  const { model, plan } = opened;
  const summary = model.summary({ print: false });
  const stored: Record<string, number> = {};
  for (const e of plan?.manifest.entries ?? []) {
    const k =
      e.stored === 'uint8' || e.stored === 'uint16'
        ? `${e.stored} (quantized)`
        : e.stored === 'float16'
          ? 'float16 (quantized)'
          : e.stored;
    stored[k] = (stored[k] ?? 0) + 1;
  }
  const info = {
    path: opened.json,
    name: model.name,
    format: opened.format,
    kerasVersion: plan?.kerasVersion || undefined,
    generatedBy: plan?.generatedBy,
    convertedBy: plan?.convertedBy,
    inputs: model.inputs.map((x, i) => ({ name: model.inputNames[i] as string, shape: x.shape })),
    outputs: model.outputs.map((x, i) => ({ name: model.outputNames[i] as string, shape: x.shape })),
    layers: summary.rows.length,
    totalParams: summary.totalParams,
    weights: plan
      ? {
          arrays: plan.manifest.entries.length,
          bytes: plan.manifest.groups.reduce((a, g) => a + g.bytes, 0),
          files: plan.manifest.groups.flatMap((g) => g.paths),
          stored,
        }
      : undefined,
    unused: plan?.unused ?? [],
    notes: plan?.notes ?? [],
  };
  if (v.json) {
    print(JSON.stringify({ ...info, summary: summary.text }, null, 2));
    model.dispose();
    return 0;
  }
  print(`${inline(model.name)}: ${dialects[opened.format]}`);
  print(`  file:        ${inline(opened.json)}`);
  if (plan) {
    const from = [plan.generatedBy, plan.convertedBy && `converted by ${plan.convertedBy}`].filter(Boolean).join(', ');
    if (from) print(`  made by:     ${inline(from)}`);
    if (plan.kerasVersion) print(`  keras:       ${inline(plan.kerasVersion)}`);
  }
  const shape = (s: (number | null)[]) => `[${s.map((d) => (d === null ? 'batch' : d)).join(', ')}]`;
  for (const x of info.inputs) print(`  input:       ${inline(x.name)} ${shape(x.shape)}`);
  for (const x of info.outputs) print(`  output:      ${inline(x.name)} ${shape(x.shape)}`);
  print(`  parameters:  ${fmt(summary.totalParams)}`);
  if (info.weights) {
    const kinds = Object.entries(info.weights.stored)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    print(
      `  weights:     ${info.weights.arrays} arrays, ${fmt(info.weights.bytes)} bytes in ${info.weights.files.length} file(s): ${kinds}`,
    );
  }
  print('');
  print(summary.text);
  if (info.unused.length > 0) print(`\nIn the file but not used: ${info.unused.map(inline).join(', ')}`);
  if (info.notes.length > 0) {
    print('\nNotes:');
    for (const n of info.notes) print(`  - ${inline(n)}`);
  }
  model.dispose();
  return 0;
}
