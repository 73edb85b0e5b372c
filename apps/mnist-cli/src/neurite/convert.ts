import { dirname, resolve } from 'node:path';
import { makeFolder, writeFileAtomic } from '@neurite/core/node';
import { exportOnnx } from '@neurite/interchange';
import { saveLayersModel } from '@neurite/interchange/node';
import { int, parse } from '../args.js';
import { startBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { inline, print } from '../terminal.js';
import { inputShapeFlag, maxWeightsFlag, openModel } from './load.js';

export const convertHelp = `Usage: neurite convert [options] <model> [<out>] --to <format> [--out <path>]

Opens a model (a Neurite save, or a TensorFlow.js layers model from tfjs, Keras 2 or Keras 3) and
writes it in another format. Every write is whole or not at all: a folder saved over keeps its old
model until the new one is complete.

Formats:
  neurite       a Neurite model folder (loadModel, neurite-mnist --model)
  tfjs-layers   a TensorFlow.js layers model folder that tfjs-layers' loadLayersModel opens
  keras         the same folder, also with what only Keras reads (Subtract, SpatialDropout2D, ELU
                alpha, bilinear UpSampling2D), for tensorflowjs_converter --input_format=tfjs_layers_model
                --output_format=keras to turn into an .h5 file
  onnx          one .onnx file (opset 13; --opset 13 to 17) for ONNX Runtime and the tools that read
                ONNX: input and output channels-last as here, the batch dimension free

Options:
  --to <format>     neurite | tfjs-layers | keras | onnx (required)
  --out <path>      the folder to write, or the .onnx file (or give it after the model)
  --opset <n>       the ONNX opset, 13 to 17 (default 13)
  --input-shape <h,w,c>  the input shape where a layers model's file leaves dimensions open
  --max-weights-mb <n>   read a layers model of up to n MiB of weights as float32 (default 256)
  --backend <name>  cpu | wasm | webgpu | auto (default auto)
  --verbose         stack traces on errors
  -h, --help        this help`;

export const FORMATS = ['neurite', 'tfjs-layers', 'keras', 'onnx'];

export async function convert(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    'convert',
    argv,
    {
      to: { type: 'string' },
      out: { type: 'string' },
      opset: { type: 'string' },
      'input-shape': { type: 'string' },
      'max-weights-mb': { type: 'string' },
    },
    true,
  );
  if (v.help) {
    print(convertHelp);
    return 0;
  }
  const [from, second, ...extra] = positionals;
  if (from === undefined || extra.length > 0 || (second !== undefined && v.out !== undefined)) {
    throw new UsageError(
      'convert: give one model and one destination, e.g. neurite convert models/digits digits-keras --to keras.',
    );
  }
  const to = v.to as string | undefined;
  if (to === undefined || !FORMATS.includes(to)) {
    throw new UsageError(
      `convert: --to must be one of ${FORMATS.join(', ')}. Received: ${to === undefined ? 'nothing' : `--to ${inline(to)}`}.`,
    );
  }
  const dest = (v.out as string | undefined) ?? second;
  if (!dest)
    throw new UsageError('convert: say where the converted model goes: neurite convert <model> <out> --to <format>.');
  const out = resolve(dest);
  const opset = int('convert', 'opset', v.opset as string | undefined, 13);
  if (opset !== undefined && (to !== 'onnx' || opset > 17)) {
    throw new UsageError(
      `convert: --opset is for --to onnx, from 13 to 17. Received: --opset ${opset}${to === 'onnx' ? '' : ` with --to ${to}`}.`,
    );
  }
  await checkDestination(out, to === 'onnx' ? 'file' : 'folder');
  await startBackend(v.backend as string | undefined);
  const { model, format } = await openModel('convert', from, {
    inputShape: inputShapeFlag('convert', v['input-shape'] as string | undefined),
    maxWeightsMb: maxWeightsFlag('convert', v['max-weights-mb'] as string | undefined),
  });
  try {
    if (to === 'neurite') await model.save(out);
    else if (to === 'onnx') {
      const bytes = await exportOnnx(model, opset ? { opset } : {});
      await makeFolder(dirname(out)).catch(cannotWrite(out));
      await writeFileAtomic(out, bytes).catch(cannotWrite(out));
    } else await saveLayersModel(model, out, { target: to === 'keras' ? 'keras' : 'tfjs-layers' });
    print(`${inline(model.name)}: ${format} -> ${to}, written to ${inline(out)}`);
  } finally {
    model.dispose();
  }
  return 0;
}

const cannotWrite = (out: string) => (e: NodeJS.ErrnoException) => {
  throw new UsageError(`convert: cannot write ${inline(out)}: ${e.code ?? e.message}. Choose a path you can write to.`);
};

// What --out names must be what the format writes, or nothing yet: an .onnx path that is a device, a
// FIFO or a folder is refused (a rename over /dev/null would replace the device), a folder path that is a file too.
async function checkDestination(out: string, kind: 'file' | 'folder'): Promise<void> {
  const { lstat } = await import('node:fs/promises');
  const info = await lstat(out).catch((e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' ? undefined : Promise.reject(e),
  );
  if (!info) return;
  if (kind === 'file' && !info.isFile()) {
    throw new UsageError(
      `convert: ${inline(out)} exists and is not a regular file; the ONNX file would replace it. Choose a new file name.`,
    );
  }
  if (kind === 'folder' && !info.isDirectory()) {
    throw new UsageError(
      `convert: ${inline(out)} exists and is not a folder. Choose a folder, or a path that does not exist yet.`,
    );
  }
}
