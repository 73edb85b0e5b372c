#!/usr/bin/env node
// neurite-mnist: train, evaluate and use a digit classifier on the real MNIST with Neurite.
import { NeuriteError } from '@neurite/core';
import { evalHelp, evaluateCommand } from './commands/eval.js';
import { info, infoHelp } from './commands/info.js';
import { predict, predictHelp } from './commands/predict.js';
import { train, trainHelp } from './commands/train.js';
import { visualize, visualizeHelp } from './commands/visualize.js';
import { UsageError } from './errors.js';
import { print, printable } from './terminal.js';

const usage = `Usage: neurite-mnist <command> [options]

Commands:
  train      train a model on MNIST (the default CNN unless --model says otherwise)
  eval       test accuracy, per-class accuracy and confusion matrix of a trained model
  predict    classify digits in PNG or JPEG files
  visualize  draw every layer's activations for one digit: PNGs and a self-contained report.html
  info       backends available here, the one chosen and why, versions

Run neurite-mnist <command> --help for a command's options. Exit codes: 0 success, 1 failure,
2 bad usage, 130 interrupted (train saves a checkpoint first).`;

const commands: Record<string, [(argv: string[]) => Promise<number>, string]> = {
  train: [train, trainHelp],
  eval: [evaluateCommand, evalHelp],
  predict: [predict, predictHelp],
  visualize: [visualize, visualizeHelp],
  info: [info, infoHelp],
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    print(usage);
    return command === undefined ? 2 : 0;
  }
  const entry = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!entry)
    throw new UsageError(`unknown command '${command}'. Expected one of: ${Object.keys(commands).join(', ')}.`);
  return entry[0](rest);
}

const verbose = process.argv.includes('--verbose');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // dawn.node and wasm threads can keep the event loop alive; the work is done.
    setTimeout(() => process.exit(code), 0).unref();
  },
  (e: Error) => {
    const usageError = e instanceof UsageError;
    const known = usageError || e instanceof NeuriteError;
    const message = printable(String(e?.message ?? e), { oneLine: true });
    process.stderr.write(`neurite-mnist: ${known ? message : `unexpected error: ${message}`}\n`);
    if (verbose) process.stderr.write(`${printable(String(e?.stack))}\n`);
    else if (!known) process.stderr.write('Run again with --verbose for the stack trace.\n');
    process.exit(usageError ? 2 : 1);
  },
);
