import { applyTemperature, calibrationReport, confusionMatrix } from '@neurite/model';
import { int, parse } from '../args.js';
import { startBackend } from '../backend.js';
import { areProbabilities } from '../calibration.js';
import { datasetOf, deskewOf } from '../checkpoint.js';
import { classNames, datasetFlag, datasetTitle, loadImages } from '../data.js';
import { loadMnistModel } from '../models.js';
import { modelDir } from '../paths.js';
import { inline, print } from '../terminal.js';

export const evalHelp = `Usage: neurite-mnist eval [options]

Evaluates a trained model on the 10,000 test images of the dataset it was trained on (MNIST unless
train had --dataset): accuracy, per-class accuracy and the confusion matrix (rows: true class,
columns: predicted class).

Options:
  --model <dir>       the model folder (default: the one the last train wrote)
  --dataset <name>    mnist | fashion-mnist (default: the model's)
  --backend <name>    cpu | wasm | webgpu | auto
  --limit <n>         only the first n test images
  --json              print JSON instead of tables
  --verbose           stack traces on errors
  -h, --help          this help`;

export async function evaluateCommand(argv: string[]): Promise<number> {
  const { values: v } = parse('eval', argv, {
    model: { type: 'string' },
    dataset: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (v.help) {
    print(evalHelp);
    return 0;
  }
  const dir = await modelDir('eval', v.model as string | undefined);
  const limit = int('eval', 'limit', v.limit as string);
  const flag = datasetFlag('eval', v.dataset as string | undefined);
  const info = await startBackend(v.backend as string | undefined);
  const { model, batchSize, temperature } = await loadMnistModel(dir, 'eval');
  const dataset = flag ?? datasetOf(model);
  const names = classNames(dataset);
  const { test } = await loadImages(dataset, limit, { deskew: deskewOf(model) });
  const { x } = test.toTensors();
  const output = model.predict(x, { batchSize });
  const probs = applyTemperature((await output.data()) as Float32Array, temperature);
  output.dispose();
  const predicted = Array.from({ length: test.count }, (_, i) => {
    let best = 0;
    for (let c = 1; c < 10; c++) if (probs[i * 10 + c] > probs[i * 10 + best]) best = c;
    return best;
  });
  const ece = areProbabilities(probs) ? calibrationReport(probs, test.labels).ece : undefined;
  const labels = Array.from(test.labels);
  const matrix = confusionMatrix(labels, predicted, 10);
  const correct = matrix.reduce((n, row, i) => n + row[i], 0);
  const perClass = matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return { digit: i, name: names[i], images: total, accuracy: total ? row[i] / total : 0 };
  });
  const accuracy = correct / labels.length;
  if (v.json) {
    print(
      JSON.stringify(
        {
          model: dir,
          backend: info.name,
          dataset,
          images: labels.length,
          accuracy,
          temperature,
          expectedCalibrationError: ece ?? null,
          perClass,
          confusionMatrix: matrix,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  print(`model: ${inline(dir)} (backend ${info.name}, ${datasetTitle(dataset)} test images)`);
  print(`test accuracy: ${(accuracy * 100).toFixed(2)}% (${correct} of ${labels.length})`);
  print(
    ece === undefined
      ? "expected calibration error: not measured (the model's outputs are not probabilities)\n"
      : `expected calibration error: ${ece.toFixed(3)} (${temperature === 1 ? 'no temperature: the softmax as it is' : `at the model's temperature ${temperature.toFixed(3)}`})\n`,
  );
  const named = dataset !== 'mnist';
  print(named ? 'class  images  accuracy  name' : 'digit  images  accuracy');
  for (const p of perClass)
    print(
      `${String(p.digit).padStart(5)}  ${String(p.images).padStart(6)}  ${(p.accuracy * 100).toFixed(2).padStart(7)}%${named ? `  ${p.name}` : ''}`,
    );
  const w = Math.max(4, ...matrix.flat().map((n) => String(n).length + 1));
  print(
    `\nconfusion matrix (rows: true ${named ? 'class' : 'digit'}, columns: predicted)\n${'    '}${Array.from({ length: 10 }, (_, i) => String(i).padStart(w)).join('')}`,
  );
  for (const [i, row] of matrix.entries())
    print(`${String(i).padStart(3)} ${row.map((n) => String(n).padStart(w)).join('')}`);
  return 0;
}
