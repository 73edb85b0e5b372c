#!/usr/bin/env node
// neurite-mnist: train, evaluate and use a digit classifier on the real MNIST with Neurite.
import { evalHelp, evaluateCommand } from './commands/eval.js';
import { info, infoHelp } from './commands/info.js';
import { predict, predictHelp } from './commands/predict.js';
import { train } from './commands/train.js';
import { trainHelp } from './commands/train-flags.js';
import { visualize, visualizeHelp } from './commands/visualize.js';
import { runCli } from './run.js';

const usage = `Usage: neurite-mnist <command> [options]

Commands:
  train      train a model on MNIST (the default CNN unless --model says otherwise)
  eval       test accuracy, per-class accuracy and confusion matrix of a trained model
  predict    classify digits in PNG or JPEG files
  visualize  draw every layer's activations for one digit: PNGs and a self-contained report.html
  info       backends available here, the one chosen and why, versions

Run neurite-mnist <command> --help for a command's options. Exit codes: 0 success, 1 failure,
2 bad usage, 130 interrupted (train saves a checkpoint first).`;

runCli('neurite-mnist', usage, {
  train: [train, trainHelp],
  eval: [evaluateCommand, evalHelp],
  predict: [predict, predictHelp],
  visualize: [visualize, visualizeHelp],
  info: [info, infoHelp],
});
