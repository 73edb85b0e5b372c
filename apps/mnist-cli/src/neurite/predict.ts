import { tensor } from '@neurite/core';
import { int, parse } from '../args.js';
import { startBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { DEFAULT_MAX_MEGAPIXELS, maxMegapixelsFlag, readImage } from '../image.js';
import { checkFinite } from '../models.js';
import { inline, print } from '../terminal.js';
import { readLabels } from './labels.js';
import { checkRunnable, inputShapeFlag, maxWeightsFlag, openModel } from './load.js';
import { imageInput, rangeFlag, toInput } from './pixels.js';

export const imageFlagsHelp = `  --range <lo:hi>       the values black and white become (default 0:1; MobileNet-style models
                        take -1:1, some 0:255)
  --invert              make dark ink on light paper light on dark, as MNIST's digits are
  --labels <file>       class names: a JSON list, a JSON object from index to name, or one per line
  --max-megapixels <n>  refuse images over n million pixels, from their header (default ${DEFAULT_MAX_MEGAPIXELS})
  --input-shape <h,w,c> a layers model's input shape where its file leaves dimensions open (default:
                        the first image's height and width, 3 channels)
  --max-weights-mb <n>  read a layers model of up to n MiB of weights as float32 (default 256)`;

export const predictHelp = `Usage: neurite predict [options] <model> <image...>

Runs PNG or JPEG images through any model neurite opens (a Neurite save or a TensorFlow.js layers
model) whose input is an image: each image is resized to the input's height and width (bilinear),
made grey or RGB as its channels say, and mapped into --range. Prints the top classes of the output.

Options:
${imageFlagsHelp}
  --top <k>             how many classes to print (default 3)
  --json                print JSON
  --backend <name>      cpu | wasm | webgpu | auto (default auto)
  --verbose             stack traces on errors
  -h, --help            this help`;

export const imageFlags = {
  range: { type: 'string' },
  invert: { type: 'boolean' },
  labels: { type: 'string' },
  'max-megapixels': { type: 'string' },
  'input-shape': { type: 'string' },
  'max-weights-mb': { type: 'string' },
} as const;

export async function predict(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    'predict',
    argv,
    { ...imageFlags, top: { type: 'string' }, json: { type: 'boolean' } },
    true,
  );
  if (v.help) {
    print(predictHelp);
    return 0;
  }
  const [modelPath, ...images] = positionals;
  if (modelPath === undefined || images.length === 0) {
    throw new UsageError('predict: give a model and at least one image, e.g. neurite predict models/digits seven.png.');
  }
  const range = rangeFlag('predict', v.range as string | undefined);
  const top = int('predict', 'top', v.top as string | undefined) ?? 3;
  const maxMegapixels = maxMegapixelsFlag('predict', v['max-megapixels'] as string | undefined);
  // The first image before the model (a model with open dimensions takes its size); each image is then
  // decoded and scaled to the input one at a time, so only the model's inputs are held, not every photo.
  const first = await readImage(images[0] as string, { maxMegapixels });
  await startBackend(v.backend as string | undefined);
  const { model } = await openModel('predict', modelPath, {
    inputShape: inputShapeFlag('predict', v['input-shape'] as string | undefined),
    maxWeightsMb: maxWeightsFlag('predict', v['max-weights-mb'] as string | undefined),
    image: first,
  });
  try {
    const input = imageInput('predict', model);
    const batchSize = checkRunnable('predict', model);
    const output = model.outputs[0]?.shape ?? [];
    if (output.length !== 2 || output[1] === null) {
      throw new UsageError(
        `predict: the model's output for one image is [${output.slice(1).join(', ')}], not a list of class scores. Draw it with neurite visualize.`,
      );
    }
    const classes = output[1] as number;
    const labels =
      (await readLabels('predict', v.labels as string | undefined, classes)) ??
      Array.from({ length: classes }, (_, i) => String(i));
    await checkFinite(model, 'predict', modelPath);
    const size = input.shape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(images.length * size);
    x.set(toInput(first, input, range, v.invert === true), 0);
    for (let i = 1; i < images.length; i++) {
      x.set(
        toInput(await readImage(images[i] as string, { maxMegapixels }), input, range, v.invert === true),
        i * size,
      );
    }
    const xt = tensor(x, [images.length, ...input.shape]);
    const yt = model.predict(xt, { batchSize });
    xt.dispose();
    const y = (await yt.data()) as Float32Array;
    yt.dispose();
    const results = images.map((file, i) => {
      const row = Array.from(y.subarray(i * classes, (i + 1) * classes));
      const best = row
        .map((score, index) => ({ index, label: labels[index] as string, score }))
        .sort((a, b) => b.score - a.score)
        .slice(0, top);
      return { file, top: best };
    });
    if (v.json) print(JSON.stringify(results, null, 2));
    else {
      for (const r of results) {
        const [first] = r.top;
        const rest = r.top.map((t) => `${inline(t.label)} ${t.score.toFixed(4)}`).join(', ');
        print(`${inline(r.file)}: ${inline(first?.label ?? '')}  (${rest})`);
      }
    }
  } finally {
    model.dispose();
  }
  return 0;
}
