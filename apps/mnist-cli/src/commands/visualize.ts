import { join, resolve } from 'node:path';
import { deskewImage } from '@neurite/datasets';
import { writeLayerPngs, writeReport } from '@neurite/viz/node';
import { int, parse } from '../args.js';
import { startBackend } from '../backend.js';
import { datasetOf, deskewOf, historyOf } from '../checkpoint.js';
import { classNames, datasetTitle, loadImages } from '../data.js';
import { UsageError } from '../errors.js';
import { DEFAULT_MAX_MEGAPIXELS, maxMegapixelsFlag, readImage, toMnist } from '../image.js';
import { checkWritable } from '../io.js';
import { loadMnistModel } from '../models.js';
import { modelDir } from '../paths.js';
import { buildReport } from '../report.js';
import { print } from '../terminal.js';

export const visualizeHelp = `Usage: neurite-mnist visualize [options] (--image <png|jpg> | --index <n>) --out <dir>

Runs one digit through a trained model and draws every layer's activation output: one PNG per layer
(in model order) and report.html, a self-contained page with the model summary, training curves, the
confusion matrix, the input, every layer's activations, the prediction and a gallery of mistakes.

Options:
  --model <dir>                  the model folder (default: the one the last train wrote)
  --image <file>                 a PNG or JPEG digit (prepared as MNIST was)
  --max-megapixels <n>           refuse an --image of more than n million pixels, read from its header
                                 before decoding (default ${DEFAULT_MAX_MEGAPIXELS}); image files are read up to
                                 64 MiB, 16,384 pixels a side
  --index <n>                    or the n-th MNIST test image (0-9999)
  --out <dir>                    where to write the PNGs and report.html
  --colormap <grey|viridis|diverging>   feature-map colours (default viridis)
  --normalize <channel|layer>    scale each channel on its own, or one scale per layer (default channel)
  --backend <name>               cpu | wasm | webgpu | auto
  --verbose                      stack traces on errors
  -h, --help                     this help`;

export async function visualize(argv: string[]): Promise<number> {
  const { values: v } = parse('visualize', argv, {
    model: { type: 'string' },
    image: { type: 'string' },
    index: { type: 'string' },
    out: { type: 'string' },
    colormap: { type: 'string' },
    normalize: { type: 'string' },
    'max-megapixels': { type: 'string' },
  });
  if (v.help) {
    print(visualizeHelp);
    return 0;
  }
  if ((v.image === undefined) === (v.index === undefined)) {
    throw new UsageError('visualize: give exactly one input: --image <file> or --index <n>.');
  }
  if (!v.out) throw new UsageError('visualize: --out <dir> is required: the folder for the PNGs and report.html.');
  const colormap = (v.colormap as string | undefined) ?? 'viridis';
  if (!['grey', 'viridis', 'diverging'].includes(colormap)) {
    throw new UsageError(`visualize: --colormap must be grey, viridis or diverging. Received: --colormap ${colormap}.`);
  }
  const normalize = (v.normalize as string | undefined) ?? 'channel';
  if (!['channel', 'layer'].includes(normalize)) {
    throw new UsageError(`visualize: --normalize must be channel or layer. Received: --normalize ${normalize}.`);
  }
  const index = int('visualize', 'index', v.index as string | undefined, 0);
  if (index !== undefined && index > 9999)
    throw new UsageError(`visualize: --index must be in 0-9999. Received: --index ${index}.`);
  const maxMegapixels = maxMegapixelsFlag('visualize', v['max-megapixels'] as string | undefined);
  if (v.image === '') throw new UsageError("visualize: --image needs a file. Received: --image ''.");
  const out = resolve(v.out as string);
  await checkWritable('visualize', '--out', out);
  const input = v.image
    ? toMnist(await readImage(v.image as string, { command: 'visualize', maxMegapixels }), 'visualize')
    : undefined;
  const dir = await modelDir('visualize', v.model as string | undefined);
  await startBackend(v.backend as string | undefined);
  const { model, batchSize, temperature } = await loadMnistModel(dir, 'visualize');
  const dataset = datasetOf(model);
  const deskew = deskewOf(model);
  const { test } = await loadImages(dataset, undefined, { deskew });
  const pixels =
    (input && deskew ? deskewImage(input, 28, 28) : input) ??
    test.images.slice((index as number) * 784, ((index as number) + 1) * 784);
  const report = await buildReport(model, pixels, {
    colormap: colormap as 'viridis',
    normalize: normalize as 'channel',
    history: await historyOf(model, dir),
    test,
    batchSize,
    temperature,
    ...(dataset === 'fashion-mnist' ? { labels: [...classNames(dataset)] } : {}),
    title: `What ${model.name} sees: ${v.image ? String(v.image) : `${datasetTitle(dataset)} test image ${index} (label ${test.labels[index as number]})`}`,
  });
  const files = await writeLayerPngs(out, report);
  await writeReport(join(out, 'report.html'), report);
  print(`prediction: ${report.prediction.digit} (${(Math.max(...report.prediction.probabilities) * 100).toFixed(1)}%)`);
  print(`wrote ${files.length} PNGs and ${join(out, 'report.html')}`);
  return 0;
}
