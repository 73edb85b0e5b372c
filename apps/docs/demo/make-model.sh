#!/usr/bin/env bash
# Regenerates the small model behind the docs site's live demo (committed in apps/docs/demo/model/):
# a 2-conv CNN of about 5,000 parameters, trained by the CLI on the real MNIST.
set -euo pipefail
cd "$(dirname "$0")/../../.."
NEURITE_HOME="$(mktemp -d)" node apps/mnist-cli/dist/cli.js train \
  --model apps/docs/demo/model-spec.json --epochs 3 --batch-size 32 --lr 0.003 --seed 1 \
  --backend wasm --out apps/docs/demo/model
# The page only predicts: save it again without the optimizer state.
node --input-type=module -e "
import { useBackend } from '@neurite/core';
import { loadModel } from '@neurite/model';
await useBackend('cpu');
const m = await loadModel('apps/docs/demo/model');
await m.save('apps/docs/demo/model', { includeOptimizer: false });
"
