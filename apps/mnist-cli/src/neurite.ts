#!/usr/bin/env node
// neurite: open any model Neurite reads (its own saves, TensorFlow.js layers models from tfjs, Keras 2
// and Keras 3), describe it, convert it, run it on images, and draw what each layer sees.
import { convert, convertHelp } from './neurite/convert.js';
import { inspect, inspectHelp } from './neurite/inspect.js';
import { predict, predictHelp } from './neurite/predict.js';
import { visualize, visualizeHelp } from './neurite/visualize.js';
import { runCli } from './run.js';

const usage = `Usage: neurite <command> [options]

Commands:
  inspect    describe a model: format, origin, inputs, layers, weights, what the reader noticed
  convert    write a model as a Neurite folder, a TensorFlow.js layers model, or for Keras
  predict    run PNG or JPEG images through a model with an image input
  visualize  draw every layer's activations for one image: PNGs and a self-contained report.html

A model is a folder with model.json: a Neurite save, or a TensorFlow.js layers model (tfjs's
model.save(), tensorflowjs_converter from Keras 2 or Keras 3). Run neurite <command> --help for a
command's options. Exit codes: 0 success, 1 failure, 2 bad usage.`;

runCli('neurite', usage, {
  inspect: [inspect, inspectHelp],
  convert: [convert, convertHelp],
  predict: [predict, predictHelp],
  visualize: [visualize, visualizeHelp],
});
