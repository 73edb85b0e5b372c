import { resolve } from 'node:path';
import { saveLayersModel } from '@neurite/interchange/node';
import { parse } from '../args.js';
import { startBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { inline, print } from '../terminal.js';
import { openModel } from './load.js';

export const convertHelp = `Usage: neurite convert [options] <model> --to <format> --out <path>

Opens a model (a Neurite save, or a TensorFlow.js layers model from tfjs, Keras 2 or Keras 3) and
writes it in another format. Every write is whole or not at all: a folder saved over keeps its old
model until the new one is complete.

Formats:
  neurite       a Neurite model folder (loadModel, neurite-mnist --model)
  tfjs-layers   a TensorFlow.js layers model folder that tfjs-layers' loadLayersModel opens
  keras         the same folder, also with what only Keras reads (Subtract, SpatialDropout2D, ELU
                alpha, bilinear UpSampling2D), for tensorflowjs_converter --input_format=tfjs_layers_model
                --output_format=keras to turn into an .h5 file

Options:
  --to <format>     neurite | tfjs-layers | keras (required)
  --out <path>      the folder to write (required)
  --backend <name>  cpu | wasm | webgpu | auto (default auto)
  --verbose         stack traces on errors
  -h, --help        this help`;

export const FORMATS = ['neurite', 'tfjs-layers', 'keras'];

export async function convert(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse('convert', argv, { to: { type: 'string' }, out: { type: 'string' } }, true);
  if (v.help) {
    print(convertHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError('convert: give one model, e.g. neurite convert models/digits --to keras --out digits-keras.');
  const to = v.to as string | undefined;
  if (to === undefined || !FORMATS.includes(to)) {
    throw new UsageError(
      `convert: --to must be one of ${FORMATS.join(', ')}. Received: ${to === undefined ? 'nothing' : `--to ${inline(to)}`}.`,
    );
  }
  if (!v.out) throw new UsageError('convert: --out <path> is required: where the converted model goes.');
  const out = resolve(v.out as string);
  await startBackend(v.backend as string | undefined);
  const { model, format } = await openModel('convert', positionals[0] as string);
  try {
    if (to === 'neurite') await model.save(out);
    else await saveLayersModel(model, out, { target: to === 'keras' ? 'keras' : 'tfjs-layers' });
    print(`${inline(model.name)}: ${format} -> ${to}, written to ${inline(out)}`);
  } finally {
    model.dispose();
  }
  return 0;
}
