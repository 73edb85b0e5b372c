import { resolve } from 'node:path';
import { tensor } from '@neurite/core';
import { writeLayerPngs, writeReport } from '@neurite/viz/node';
import { parse } from '../args.js';
import { startBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { maxMegapixelsFlag, readImage } from '../image.js';
import { checkWritable } from '../io.js';
import { checkFinite } from '../models.js';
import { activationValues } from '../report.js';
import { inline, print } from '../terminal.js';
import { readLabels } from './labels.js';
import { checkRunnable, inputShapeFlag, maxWeightsFlag, openModel } from './load.js';
import { imageInput, rangeFlag, toInput } from './pixels.js';
import { imageFlags, imageFlagsHelp } from './predict.js';

export const visualizeHelp = `Usage: neurite visualize [options] <model> (<image> | --image <file>) --out <dir>

Runs one PNG or JPEG image through a model (a Neurite save or a TensorFlow.js layers model, from tfjs
or Keras) and draws every layer's activation output: one PNG per layer, in model order, and
report.html, a self-contained page with the summary, the input, every layer and the prediction.

Options:
  --image <file>        the PNG or JPEG image (or give it after the model)
  --out <dir>           where to write the PNGs and report.html (required)
${imageFlagsHelp}
  --colormap <grey|viridis|diverging>   feature-map colours (default viridis)
  --normalize <channel|layer>           one scale per channel, or per layer (default channel)
  --backend <name>      cpu | wasm | webgpu | auto (default auto)
  --verbose             stack traces on errors
  -h, --help            this help`;

export async function visualize(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    'visualize',
    argv,
    {
      ...imageFlags,
      image: { type: 'string' },
      out: { type: 'string' },
      colormap: { type: 'string' },
      normalize: { type: 'string' },
    },
    true,
  );
  if (v.help) {
    print(visualizeHelp);
    return 0;
  }
  // The image by position or by --image, not both.
  const [modelPath, ...rest] = positionals;
  const imagePath = v.image === undefined ? rest[0] : (v.image as string);
  if (modelPath === undefined || imagePath === undefined || rest.length > (v.image === undefined ? 1 : 0)) {
    throw new UsageError(
      'visualize: give a model and one image, e.g. neurite visualize models/digits seven.png --out report.',
    );
  }
  if (!v.out) throw new UsageError('visualize: --out <dir> is required: the folder for the PNGs and report.html.');
  const colormap = (v.colormap as string | undefined) ?? 'viridis';
  if (!['grey', 'viridis', 'diverging'].includes(colormap)) {
    throw new UsageError(
      `visualize: --colormap must be grey, viridis or diverging. Received: --colormap ${inline(colormap)}.`,
    );
  }
  const normalize = (v.normalize as string | undefined) ?? 'channel';
  if (!['channel', 'layer'].includes(normalize)) {
    throw new UsageError(
      `visualize: --normalize must be channel or layer. Received: --normalize ${inline(normalize)}.`,
    );
  }
  const range = rangeFlag('visualize', v.range as string | undefined);
  const img = await readImage(imagePath, {
    command: 'visualize',
    maxMegapixels: maxMegapixelsFlag('visualize', v['max-megapixels'] as string | undefined),
  });
  const out = resolve(v.out as string);
  await checkWritable('visualize', 'the --out folder', out);
  await startBackend(v.backend as string | undefined);
  const { model } = await openModel('visualize', modelPath, {
    inputShape: inputShapeFlag('visualize', v['input-shape'] as string | undefined),
    maxWeightsMb: maxWeightsFlag('visualize', v['max-weights-mb'] as string | undefined),
    image: img,
  });
  try {
    const input = imageInput('visualize', model);
    checkRunnable('visualize', model);
    await checkFinite(model, 'visualize', modelPath);
    const values = toInput(img, input, range, v.invert === true);
    const x = tensor(values, [1, ...input.shape]);
    const layers = await activationValues(model, x);
    x.dispose();
    // A classifier's last layer is one vector per input; anything else (an image, for an upscaler) has no prediction.
    const last = layers[layers.length - 1];
    const classifier = last !== undefined && last.shape.length === 2;
    const probabilities = classifier ? Array.from(last.values) : [];
    let best = 0;
    for (let i = 1; i < probabilities.length; i++)
      if ((probabilities[i] as number) > (probabilities[best] as number)) best = i;
    const labels = classifier
      ? await readLabels('visualize', v.labels as string | undefined, probabilities.length)
      : undefined;
    // The report draws its input in grey: the mean of the channels, as the model saw them.
    const grey = new Float32Array(input.height * input.width);
    for (let i = 0; i < grey.length; i++) {
      let s = 0;
      for (let c = 0; c < input.channels; c++) s += values[i * input.channels + c] as number;
      grey[i] = s / input.channels;
    }
    const report = {
      title: `What ${model.name} sees`,
      summary: model.summary({ print: false }),
      input: { values: grey, shape: [input.height, input.width] },
      layers,
      ...(classifier ? { prediction: { digit: best, probabilities } } : {}),
      options: { colormap: colormap as 'viridis', normalize: normalize as 'channel', ...(labels ? { labels } : {}) },
    };
    const pngs = await writeLayerPngs(resolve(out, 'layers'), report);
    const html = resolve(out, 'report.html');
    await writeReport(html, report);
    if (classifier)
      print(`predicted: ${inline(labels?.[best] ?? String(best))} (${(probabilities[best] ?? 0).toFixed(4)})`);
    else print(`output: [batch, ${last?.shape.slice(1).join(', ')}] (not a classifier: no prediction section)`);
    print(`wrote ${pngs.length} PNGs to ${inline(resolve(out, 'layers'))} and the report to ${inline(html)}`);
  } finally {
    model.dispose();
  }
  return 0;
}
