#!/usr/bin/env bash
# Regenerates the model behind the docs site's draw-a-digit page (committed in apps/docs/demo/model/):
# the CLI's default run, exactly as `pnpm mnist train` makes it (the default CNN of chapter 5, 225,034
# parameters, 6 epochs of Adam on the real MNIST, seed 1), saved again without the optimizer state.
set -euo pipefail
cd "$(dirname "$0")/../../.."
run="$(mktemp -d)"
trap 'rm -rf "$run"' EXIT
NEURITE_HOME="$run/home" node scripts/with-node24.mjs apps/mnist-cli/dist/cli.js train --out "$run/model"
# The page only predicts: the weights alone (about 900 kB), not Adam's two slots per weight.
rm -rf apps/docs/demo/model
node --input-type=module -e "
import { useBackend } from '@neurite/core';
import { loadModel } from '@neurite/model';
await useBackend('cpu');
const m = await loadModel('$run/model');
await m.save('apps/docs/demo/model', { includeOptimizer: false });
"
# The run's settings, per-epoch history and test accuracy, as the CLI wrote them (the course's pictures
# and the page quote them).
cp "$run/model/train.json" "$run/model/history.json" "$run/model/test.json" apps/docs/demo/model/
# The JSON as the repository formats it (pnpm test runs biome over every file).
npx biome format --write apps/docs/demo/model >/dev/null
