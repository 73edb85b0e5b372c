import { parse } from '../args.js';
import { startBackend } from '../backend.js';
import { deskewOf } from '../checkpoint.js';
import { UsageError } from '../errors.js';
import { DEFAULT_MAX_MEGAPIXELS, maxMegapixelsFlag, readImage, toMnist } from '../image.js';
import { classify, TTA_VIEWS } from '../inference.js';
import { loadMnistModel } from '../models.js';
import { modelDir } from '../paths.js';
import { inline, print } from '../terminal.js';

export const predictHelp = `Usage: neurite-mnist predict [options] <image...>

Reads digits from PNG or JPEG files (grey or colour, with or without alpha, dark ink on light paper or
light on dark, up to ${DEFAULT_MAX_MEGAPIXELS} megapixels: see --max-megapixels), prepares them as MNIST was (crop to the ink,
fit in 20x20, bring strokes to MNIST's widths, centre by mass in 28x28), and prints the predicted digit
with the top-3 probabilities. The probabilities are calibrated: train fits a temperature on held-out
digits so that, of the answers given with 90%, about 90% are right (see the model's test.json).

Options:
  --model <dir>         the model folder (default: the one the last train wrote)
  --max-megapixels <n>  refuse images of more than n million pixels, read from the file's header before
                        decoding (default ${DEFAULT_MAX_MEGAPIXELS}); image files are read up to 64 MiB,
                        16,384 pixels a side
  --tta                 average the probabilities over ${TTA_VIEWS.length} views of each digit (as prepared,
                        turned 8 degrees each way, zoomed 0.9 and 1.1): ${TTA_VIEWS.length}x the work
  --backend <name>      cpu | wasm | webgpu | auto
  --json                print JSON
  --verbose             stack traces on errors
  -h, --help            this help`;

export async function predict(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    'predict',
    argv,
    {
      model: { type: 'string' },
      json: { type: 'boolean' },
      tta: { type: 'boolean' },
      'max-megapixels': { type: 'string' },
    },
    true,
  );
  if (v.help) {
    print(predictHelp);
    return 0;
  }
  const maxMegapixels = maxMegapixelsFlag('predict', v['max-megapixels'] as string | undefined);
  if (positionals.length === 0)
    throw new UsageError('predict: give at least one image file, e.g. neurite-mnist predict digit.png.');
  // Read and check every image before any math, so a bad file fails fast and nothing half-runs.
  const pixels: Float32Array[] = [];
  for (const p of positionals) pixels.push(toMnist(await readImage(p, { maxMegapixels })));
  const dir = await modelDir('predict', v.model as string | undefined);
  await startBackend(v.backend as string | undefined);
  const { model, batchSize, temperature } = await loadMnistModel(dir, 'predict');
  const probs = await classify(model, pixels, {
    batchSize,
    temperature,
    deskew: deskewOf(model),
    views: v.tta ? TTA_VIEWS : undefined,
  });
  const results = positionals.map((file, i) => {
    const row = Array.from(probs.subarray(i * 10, i * 10 + 10));
    const top = row
      .map((p, digit) => ({ digit, probability: p }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, 3);
    return { file, digit: top[0].digit, top3: top };
  });
  if (v.json) {
    print(JSON.stringify(results, null, 2));
    return 0;
  }
  for (const r of results) {
    const top = r.top3.map((t) => `${t.digit} ${(t.probability * 100).toFixed(1)}%`).join(', ');
    print(`${inline(r.file)}: ${r.digit}  (${top})`);
  }
  return 0;
}
